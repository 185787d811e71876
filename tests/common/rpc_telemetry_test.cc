#include "common/rpc_telemetry.h"

#include <cstdint>
#include <sstream>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/caller.h"
#include "common/executor.h"
#include "common/logging.h"
#include "common/request_id.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "spdlog/spdlog.h"

namespace handin {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

// A Health service that records the request ids its handler saw and, when
// it has a downstream, answers by calling it from an executor task (the
// way handin's services call their peers).
class RecordingHealth final : public Health::CallbackService {
 public:
  RecordingHealth(std::unique_ptr<Health::StubInterface> downstream = nullptr,
                  Executor* executor = nullptr)
      : downstream_(std::move(downstream)), executor_(executor) {}

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const HealthCheckRequest* request,
                                  HealthCheckResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      from_metadata_ = RequestIdOf(*context);
      current_ = CurrentRequestId();
      calls_in_flight_ = ServerCallsInFlight();
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (request->service() == "missing") {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such"));
    } else if (downstream_ == nullptr) {
      response->set_status(HealthCheckResponse::SERVING);
      reactor->Finish(grpc::Status::OK);
    } else {
      executor_->Schedule([this, reactor, request, response] {
        grpc::ClientContext call;
        reactor->Finish(downstream_->Check(&call, *request, response));
      });
    }
    return reactor;
  }

  std::string from_metadata() const {
    absl::MutexLock lock(&mu_);
    return from_metadata_;
  }
  std::string current() const {
    absl::MutexLock lock(&mu_);
    return current_;
  }
  int64_t calls_in_flight() const {
    absl::MutexLock lock(&mu_);
    return calls_in_flight_;
  }

 private:
  const std::unique_ptr<Health::StubInterface> downstream_;
  Executor* const executor_;
  mutable absl::Mutex mu_;
  std::string from_metadata_ ABSL_GUARDED_BY(mu_);
  std::string current_ ABSL_GUARDED_BY(mu_);
  int64_t calls_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

// `service` on a plaintext loopback port, with the telemetry interceptor
// counting into `registry`.
struct TestServer {
  TestServer(grpc::Service* service, metrics::Registry& registry) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service);
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(MakeServerTelemetry(registry));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    server = builder.BuildAndStart();
  }
  ~TestServer() { server->Shutdown(); }

  std::string Address() const { return "127.0.0.1:" + std::to_string(port); }

  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

// A channel to a peer as servers make them (CreateTokenChannel), with no
// token: these test servers check none.
std::shared_ptr<grpc::Channel> PeerChannel(const std::string& address) {
  return CreateTokenChannel(address, grpc::InsecureChannelCredentials(), "");
}

std::unique_ptr<Health::Stub> StubTo(const TestServer& server) {
  return Health::NewStub(grpc::CreateChannel(
      server.Address(), grpc::InsecureChannelCredentials()));
}

TEST(ServerTelemetry, RunsTheHandlerWithTheCallersRequestId) {
  metrics::Registry registry;
  RecordingHealth service;
  TestServer server(&service, registry);
  grpc::ClientContext context;
  AttachRequestId(context, "req-7.a_B");
  HealthCheckResponse response;
  ASSERT_TRUE(StubTo(server)->Check(&context, {}, &response).ok());
  EXPECT_EQ(service.from_metadata(), "req-7.a_B");
  EXPECT_EQ(service.current(), "req-7.a_B");
  const auto echoed =
      context.GetServerInitialMetadata().find(kRequestIdMetadataKey);
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  EXPECT_EQ(echoed->second, "req-7.a_B");
}

TEST(ServerTelemetry, MakesARequestIdForACallWithoutOneAndSendsItBack) {
  metrics::Registry registry;
  RecordingHealth service;
  TestServer server(&service, registry);
  grpc::ClientContext context;
  HealthCheckResponse response;
  ASSERT_TRUE(StubTo(server)->Check(&context, {}, &response).ok());
  const std::string made = service.from_metadata();
  EXPECT_TRUE(IsValidRequestId(made)) << made;
  EXPECT_EQ(service.current(), made);
  const auto echoed =
      context.GetServerInitialMetadata().find(kRequestIdMetadataKey);
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  EXPECT_EQ(echoed->second, made);
}

TEST(ServerTelemetry, ReplacesAMalformedRequestId) {
  metrics::Registry registry;
  RecordingHealth service;
  TestServer server(&service, registry);
  grpc::ClientContext context;
  AttachRequestId(context, "two words");
  HealthCheckResponse response;
  ASSERT_TRUE(StubTo(server)->Check(&context, {}, &response).ok());
  EXPECT_TRUE(IsValidRequestId(service.from_metadata()));
  EXPECT_NE(service.from_metadata(), "two words");
  EXPECT_EQ(service.current(), service.from_metadata());
}

TEST(RequestIdPropagator,
     CarriesTheRequestIdThroughAnExecutorToTheNextService) {
  metrics::Registry registry;
  RecordingHealth back;
  TestServer back_server(&back, registry);
  Executor executor(2);
  RecordingHealth front(Health::NewStub(PeerChannel(back_server.Address())),
                        &executor);
  TestServer front_server(&front, registry);

  grpc::ClientContext context;
  AttachRequestId(context, "follow-me");
  HealthCheckResponse response;
  ASSERT_TRUE(StubTo(front_server)->Check(&context, {}, &response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  EXPECT_EQ(back.from_metadata(), "follow-me");
}

TEST(RequestIdPropagator, AThreadWithoutARequestIdSendsNone) {
  metrics::Registry registry;
  RecordingHealth back;
  TestServer back_server(&back, registry);
  auto stub = Health::NewStub(PeerChannel(back_server.Address()));
  grpc::ClientContext context;
  HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&context, {}, &response).ok());
  // The server made its own.
  EXPECT_TRUE(IsValidRequestId(back.from_metadata()));
  {
    RequestIdScope scope("from-scope");
    grpc::ClientContext scoped;
    ASSERT_TRUE(stub->Check(&scoped, {}, &response).ok());
  }
  EXPECT_EQ(back.from_metadata(), "from-scope");
}

TEST(ServerTelemetry, CountsCallsByMethodAndStatusCode) {
  metrics::Registry registry;
  RecordingHealth service;
  TestServer server(&service, registry);
  auto stub = StubTo(server);
  for (const char* name : {"", "", "missing"}) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(name);
    HealthCheckResponse response;
    stub->Check(&context, request, &response);
  }
  const std::string text = registry.Exposition();
  EXPECT_THAT(text,
              HasSubstr("handin_grpc_server_handled_total{method=\"/"
                        "grpc.health.v1.Health/Check\",code=\"OK\"} 2\n"));
  EXPECT_THAT(
      text, HasSubstr("handin_grpc_server_handled_total{method=\"/"
                      "grpc.health.v1.Health/Check\",code=\"NOT_FOUND\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("handin_grpc_server_handling_seconds_count{"
                              "method=\"/grpc.health.v1.Health/Check\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("# TYPE handin_grpc_server_calls_in_flight gauge"));
}

TEST(ServerTelemetry, CountsTheProcesssCallsInFlight) {
  metrics::Registry registry;
  RecordingHealth service;
  TestServer server(&service, registry);
  grpc::ClientContext context;
  HealthCheckResponse response;
  ASSERT_TRUE(StubTo(server)->Check(&context, {}, &response).ok());
  EXPECT_EQ(service.calls_in_flight(), 1);
  // The interceptor is destroyed just after the answer has gone out.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (ServerCallsInFlight() != 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_EQ(ServerCallsInFlight(), 0);
}

TEST(Logging, ALineWrittenWithARequestIdEndsWithIt) {
  std::ostringstream out;
  InitLogging("telemetry-test", out);
  spdlog::info("event=outside");
  {
    RequestIdScope scope("abc123");
    spdlog::info("event=inside k=v");
    {
      RequestIdScope inner("");
      spdlog::info("event=cleared");
    }
  }
  spdlog::default_logger()->flush();
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("service=telemetry-test event=outside\n"));
  EXPECT_THAT(text, HasSubstr("service=telemetry-test event=inside k=v "
                              "request_id=abc123\n"));
  EXPECT_THAT(text, HasSubstr("service=telemetry-test event=cleared\n"));
  spdlog::set_default_logger(nullptr);
}

TEST(RequestId, NewOnesAreValidAndDistinct) {
  const std::string a = NewRequestId();
  const std::string b = NewRequestId();
  EXPECT_TRUE(IsValidRequestId(a));
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidRequestId("a=b"));
  EXPECT_TRUE(IsValidRequestId(std::string(64, 'a')));
}

}  // namespace
}  // namespace handin
