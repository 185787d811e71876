// CallUnaryAsync: one unary call over a real in-process gRPC server (its
// standard health service), answered on a gRPC thread.

#include "common/async_unary.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/request_id.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace handin {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

constexpr absl::Duration kWait = absl::Seconds(10);

// What `done` saw, once it ran.
struct Outcome {
  grpc::Status status;
  HealthCheckResponse response;
  std::string request_id;
};

class AsyncUnaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = Health::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  // Checks `service`'s health with CallUnaryAsync and waits for `done`.
  Outcome Check(Health::Stub& stub, const std::string& service,
                absl::Duration timeout = kWait) {
    HealthCheckRequest request;
    request.set_service(service);
    Outcome outcome;
    absl::Notification ended;
    CallUnaryAsync<HealthCheckResponse>(
        std::move(request), timeout,
        [&stub](auto... call) { stub.async()->Check(call...); },
        [&](grpc::Status status, HealthCheckResponse response) {
          outcome = {std::move(status), std::move(response),
                     CurrentRequestId()};
          ended.Notify();
        });
    EXPECT_TRUE(ended.WaitForNotificationWithTimeout(kWait + kWait));
    return outcome;
  }

  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(AsyncUnaryTest, HandsOverTheAnswerWithTheCallersRequestId) {
  Outcome outcome;
  {
    RequestIdScope scope("upload-7f3a");
    outcome = Check(*stub_, "");
  }
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  EXPECT_EQ(outcome.response.status(), HealthCheckResponse::SERVING);
  EXPECT_EQ(outcome.request_id, "upload-7f3a");
}

TEST_F(AsyncUnaryTest, HandsOverThePeersErrorWithAnEmptyResponse) {
  const Outcome outcome = Check(*stub_, "no.such.Service");
  EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(outcome.response.status(), HealthCheckResponse::UNKNOWN);
}

TEST_F(AsyncUnaryTest, AnUnreachablePeerEndsTheCallWithinItsTimeout) {
  server_->Shutdown();  // Nothing listens on the port any more.
  const Outcome outcome = Check(*stub_, "", absl::Seconds(1));
  EXPECT_TRUE(outcome.status.error_code() == grpc::StatusCode::UNAVAILABLE ||
              outcome.status.error_code() ==
                  grpc::StatusCode::DEADLINE_EXCEEDED)
      << outcome.status.error_code() << " " << outcome.status.error_message();
}

}  // namespace
}  // namespace handin
