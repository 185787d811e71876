#ifndef HANDIN_TESTS_SERVICES_INTAKE_INTAKE_HARNESS_H_
#define HANDIN_TESTS_SERVICES_INTAKE_INTAKE_HARNESS_H_

// The real IntakeServiceImpl served in-process on 127.0.0.1:0, calling a
// FakeDeadlineService and a FakeStorageService served the same way. Used by
// the intake service tests and the handin CLI tests.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/executor.h"
#include "common/server_runner.h"
#include "common/storage_shards.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/intake/access.h"
#include "services/intake/intake_service.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_deadline_service.h"
#include "tests/testing/fake_storage_service.h"
#include "tests/testing/test_auth.h"

namespace handin::testing {

// 2024-05-01 21:59:00 UTC: a minute before the reference course's project
// deadline (18:00 EDT).
inline absl::Time HarnessStartTime() {
  return absl::FromCivil(absl::CivilSecond(2024, 5, 1, 21, 59, 0),
                         absl::UTCTimeZone());
}

// The course key every harness in the process uses.
inline const TestAuth& HarnessAuth() {
  static const TestAuth* const auth = new TestAuth();
  return *auth;
}

// Makes `context`'s call act for the student `user`, in the course.
inline void AttachStudent(grpc::ClientContext& context,
                          const std::string& user) {
  HarnessAuth().Attach(context, Role::kStudent, user);
}

class IntakeHarness {
 public:
  // Intake with `options`, except that every upload streams to storage
  // (held_upload_max_bytes 0: the path most tests look at) unless
  // `hold_small_uploads`, as deployed.
  explicit IntakeHarness(intake::IntakeOptions options = {},
                         bool hold_small_uploads = false)
      : options_(StreamingUnless(hold_small_uploads, options)),
        clock_(HarnessStartTime()),
        executor_(4) {}

  ~IntakeHarness() {
    // Calls in flight end before anything they use goes away.
    if (intake_server_.server != nullptr) {
      StopServer(intake_server_, absl::ZeroDuration());
    }
    for (RunningServer* peer : {&storage_server_, &deadline_server_}) {
      if (peer->server != nullptr) {
        StopServer(*peer, absl::ZeroDuration());
      }
    }
  }

  // Starts both fakes, then intake calling them.
  absl::Status Start() {
    // The fakes admit any caller; intake's own table is the deployed one.
    absl::StatusOr<RunningServer> deadline = Serve(
        &deadline_, HarnessAuth().AdmitAnyCaller(
                        deadline::v1::DeadlineService::service_full_name()));
    if (!deadline.ok()) return deadline.status();
    deadline_server_ = *std::move(deadline);
    absl::StatusOr<RunningServer> storage =
        Serve(&storage_, HarnessAuth().AdmitAnyCaller(
                             storage::v1::StorageService::service_full_name()));
    if (!storage.ok()) return storage.status();
    storage_server_ = *std::move(storage);
    return StartIntake(Loopback(deadline_server_.port),
                       Loopback(storage_server_.port));
  }

  // Starts intake alone, calling deadline and storage at the given
  // addresses (for tests of unreachable peers).
  absl::Status StartIntake(const std::string& deadline_address,
                           const std::string& storage_address) {
    intake_ = std::make_unique<intake::IntakeServiceImpl>(
        options_,
        deadline::v1::DeadlineService::NewStub(PeerChannel(deadline_address)),
        StorageShards(
            storage::v1::StorageService::NewStub(PeerChannel(storage_address))),
        clock_, executor_, *intake_auth_);
    absl::StatusOr<RunningServer> intake = Serve(intake_.get(), intake_auth_);
    if (!intake.ok()) return intake.status();
    intake_server_ = *std::move(intake);
    return absl::OkStatus();
  }

  std::string deadline_address() const {
    return Loopback(deadline_server_.port);
  }
  std::string intake_address() const { return Loopback(intake_server_.port); }
  std::string storage_address() const { return Loopback(storage_server_.port); }
  std::unique_ptr<intake::v1::IntakeService::Stub> NewIntakeStub() const {
    return intake::v1::IntakeService::NewStub(Channel(intake_address()));
  }

  FakeClock& clock() { return clock_; }
  FakeDeadlineService& deadline() { return deadline_; }
  FakeStorageService& storage() { return storage_; }

  static std::string Loopback(int port) {
    return absl::StrCat("127.0.0.1:", port);
  }

 private:
  static intake::IntakeOptions StreamingUnless(bool hold,
                                               intake::IntakeOptions options) {
    if (!hold) options.held_upload_max_bytes = 0;
    return options;
  }
  static std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  // A channel carrying intake's service token, as intake's peer calls do.
  static std::shared_ptr<grpc::Channel> PeerChannel(
      const std::string& address) {
    return CreateTokenChannel(address, grpc::InsecureChannelCredentials(),
                              HarnessAuth().ServiceToken("intake"));
  }

  // Serves `service`, guarded by `authenticator`.
  static absl::StatusOr<RunningServer> Serve(
      grpc::Service* service,
      std::shared_ptr<CallAuthenticator> authenticator) {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls.insecure = true;
    options.authenticator = std::move(authenticator);
    return StartServer(options, {service});
  }

  const intake::IntakeOptions options_;
  // Intake's own table, as deployed.
  const std::shared_ptr<CallAuthenticator> intake_auth_ =
      HarnessAuth().Authenticator(intake::IntakeAccess());
  FakeClock clock_;
  Executor executor_;
  FakeDeadlineService deadline_;
  FakeStorageService storage_;
  std::unique_ptr<intake::IntakeServiceImpl> intake_;
  RunningServer deadline_server_;
  RunningServer storage_server_;
  RunningServer intake_server_;
};

}  // namespace handin::testing

#endif  // HANDIN_TESTS_SERVICES_INTAKE_INTAKE_HARNESS_H_
