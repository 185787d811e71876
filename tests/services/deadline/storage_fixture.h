#ifndef HANDIN_TESTS_SERVICES_DEADLINE_STORAGE_FIXTURE_H_
#define HANDIN_TESTS_SERVICES_DEADLINE_STORAGE_FIXTURE_H_

// A real StorageServiceImpl on a temporary RocksDB and a real
// DeadlineServiceImpl wired to it, both in-process on 127.0.0.1:0
// (plaintext), sharing one FakeClock, called through the generated stubs.
// Subclasses choose the course (MakeCourse) and the starting instant.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/executor.h"
#include "common/server_runner.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/deadline/deadline_service.h"
#include "services/storage/storage_service.h"
#include "services/storage/submission_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_auth.h"

namespace handin::deadline::testing {

// "127.0.0.1:<port>".
inline std::string Address(int port) {
  return absl::StrCat("127.0.0.1:", port);
}

// Starts `service` alone on 127.0.0.1:0, plaintext, guarded by
// `authenticator`.
inline absl::StatusOr<RunningServer> StartLocal(
    grpc::Service* service, std::shared_ptr<CallAuthenticator> authenticator) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls.insecure = true;
  options.authenticator = std::move(authenticator);
  return StartServer(options, {service});
}

// The reference course's instructor, whose token the fixtures' stubs carry.
inline constexpr char kInstructor[] = "mosharaf";

class StorageBackedDeadlineTest : public ::testing::Test {
 protected:
  explicit StorageBackedDeadlineTest(absl::Time start) : clock_(start) {}

  // The course the deadline service serves; null fails SetUp.
  virtual std::unique_ptr<Course> MakeCourse() = 0;

  void SetUp() override {
    auto store = storage::SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    storage_service_ =
        std::make_unique<storage::StorageServiceImpl>(*store_, executor_);
    // The services' own access tables are tested in the access matrix.
    auto storage = StartLocal(
        storage_service_.get(),
        auth_.AdmitAnyCaller(storage::v1::StorageService::service_full_name()));
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage_server_ = *std::move(storage);
    auto storage_channel = CreateTokenChannel(
        Address(storage_server_.port), grpc::InsecureChannelCredentials(),
        auth_.Token(Role::kInstructor, kInstructor));
    storage_stub_ = storage::v1::StorageService::NewStub(storage_channel);

    std::unique_ptr<Course> course = MakeCourse();
    ASSERT_NE(course, nullptr);
    deadline_auth_ =
        auth_.AdmitAnyCaller(v1::DeadlineService::service_full_name());
    deadline_service_ = std::make_unique<DeadlineServiceImpl>(
        std::move(course), clock_, *deadline_auth_,
        storage::v1::StorageService::NewStub(storage_channel));
    auto deadline = StartLocal(deadline_service_.get(), deadline_auth_);
    ASSERT_TRUE(deadline.ok()) << deadline.status();
    deadline_server_ = *std::move(deadline);
    deadline_address_ = Address(deadline_server_.port);
    stub_ = StubAs(Role::kInstructor, kInstructor);
  }

  // A stub of the deadline service whose calls carry a token of `subject`
  // in `role`.
  std::unique_ptr<v1::DeadlineService::Stub> StubAs(
      Role role, const std::string& subject) {
    return v1::DeadlineService::NewStub(CreateTokenChannel(
        deadline_address_, grpc::InsecureChannelCredentials(),
        auth_.Token(role, subject)));
  }

  void TearDown() override {
    if (deadline_server_.server) {
      StopServer(deadline_server_, absl::ZeroDuration());
    }
    deadline_service_.reset();
    if (storage_server_.server) {
      StopServer(storage_server_, absl::ZeroDuration());
    }
  }

  handin::testing::TempDir dir_;
  handin::testing::TestAuth auth_;
  std::shared_ptr<CallAuthenticator> deadline_auth_;
  std::string deadline_address_;
  handin::testing::FakeClock clock_;
  Executor executor_{2};
  std::unique_ptr<storage::SubmissionStore> store_;
  std::unique_ptr<storage::StorageServiceImpl> storage_service_;
  RunningServer storage_server_;
  std::unique_ptr<storage::v1::StorageService::Stub> storage_stub_;
  std::unique_ptr<DeadlineServiceImpl> deadline_service_;
  RunningServer deadline_server_;
  std::unique_ptr<v1::DeadlineService::Stub> stub_;
};

}  // namespace handin::deadline::testing

#endif  // HANDIN_TESTS_SERVICES_DEADLINE_STORAGE_FIXTURE_H_
