#ifndef HANDIN_TESTS_SERVICES_DEADLINE_SERVICE_FIXTURE_H_
#define HANDIN_TESTS_SERVICES_DEADLINE_SERVICE_FIXTURE_H_

// The real DeadlineServiceImpl serving the reference course in-process on
// 127.0.0.1:0 (plaintext), its clock a FakeClock, called through the
// generated stub.

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/server_runner.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/deadline/deadline_service.h"
#include "tests/services/deadline/test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/test_auth.h"

namespace handin::deadline::testing {

class DeadlineServiceTest : public ::testing::Test {
 protected:
  // The clock starts on 2024-03-18 at 14:00 UTC (10:00 EDT), half an hour
  // before the Mar 19 slides are due.
  DeadlineServiceTest() : clock_(Utc(2024, 3, 18, 14, 0)) {}

  void SetUp() override {
    std::unique_ptr<Course> course = LoadReferenceCourse();
    ASSERT_NE(course, nullptr);
    // The access table is tested in the access matrix; here, any staff.
    authenticator_ =
        auth_.AdmitAnyCaller(v1::DeadlineService::service_full_name());
    service_ = std::make_unique<DeadlineServiceImpl>(std::move(course), clock_,
                                                     *authenticator_);
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls.insecure = true;
    options.authenticator = authenticator_;
    auto running = StartServer(options, {service_.get()});
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
    stub_ = v1::DeadlineService::NewStub(
        CreateTokenChannel(absl::StrCat("127.0.0.1:", server_.port),
                           grpc::InsecureChannelCredentials(),
                           auth_.Token(Role::kInstructor, "mosharaf")));
  }

  void TearDown() override {
    if (server_.server != nullptr) StopServer(server_, absl::ZeroDuration());
  }

  handin::testing::FakeClock clock_;
  handin::testing::TestAuth auth_;
  std::shared_ptr<CallAuthenticator> authenticator_;
  std::unique_ptr<DeadlineServiceImpl> service_;
  RunningServer server_;
  std::unique_ptr<v1::DeadlineService::Stub> stub_;
};

}  // namespace handin::deadline::testing

#endif  // HANDIN_TESTS_SERVICES_DEADLINE_SERVICE_FIXTURE_H_
