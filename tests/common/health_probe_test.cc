// The plaintext health probe server (ServerOptions::health_listen) that
// StartServer runs beside a server for the kubelet's native gRPC probes.

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/server_runner.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "tests/testing/generic_call.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_auth.h"

namespace handin {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::handin::deadline::v1::DeadlineService;
using ::handin::deadline::v1::ListItemsRequest;
using ::handin::deadline::v1::ListItemsResponse;

constexpr char kDeadlineService[] = "handin.deadline.v1.DeadlineService";
constexpr char kReflection[] =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

std::string Loopback(int port) { return "127.0.0.1:" + std::to_string(port); }

std::shared_ptr<grpc::Channel> Plaintext(int port) {
  return grpc::CreateChannel(Loopback(port),
                             grpc::InsecureChannelCredentials());
}

// Checks `service`'s health at `port` over plaintext; returns the call's
// status and sets `serving` to the answer.
grpc::Status Check(int port, const std::string& service,
                   HealthCheckResponse::ServingStatus* serving) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status =
      Health::NewStub(Plaintext(port))->Check(&context, request, &response);
  *serving = response.status();
  return status;
}

// Calls the unary-framed `method` ("/pkg.Service/Method") at `port` with
// one empty message and no token; returns the status.
grpc::Status CallEmpty(int port, const std::string& method) {
  return testing::CallWithEmptyRequest(Plaintext(port), method).status;
}

// A DeadlineService whose ListItems answers at once (an empty list), or,
// once Hold() is called, only when Release() is: a call that stays in
// flight while the server shuts down.
class HoldingDeadlineService final : public DeadlineService::CallbackService {
 public:
  grpc::ServerUnaryReactor* ListItems(grpc::CallbackServerContext* context,
                                      const ListItemsRequest*,
                                      ListItemsResponse*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::MutexLock lock(&mu_);
    if (holding_) {
      held_.push_back(reactor);
    } else {
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }

  void Hold() {
    absl::MutexLock lock(&mu_);
    holding_ = true;
  }
  // Waits until a call is held.
  void AwaitHeld() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](std::vector<grpc::ServerUnaryReactor*>* held) {
          return !held->empty();
        },
        &held_));
  }
  // Answers every held call OK.
  void Release() {
    absl::MutexLock lock(&mu_);
    for (grpc::ServerUnaryReactor* reactor : held_) {
      reactor->Finish(grpc::Status::OK);
    }
    held_.clear();
  }

 private:
  absl::Mutex mu_;
  bool holding_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<grpc::ServerUnaryReactor*> held_ ABSL_GUARDED_BY(mu_);
};

class HealthProbeTest : public ::testing::Test {
 protected:
  ServerOptions Options() {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls.insecure = true;
    options.authenticator = auth_.AdmitAnyCaller(kDeadlineService);
    options.service_names = {kDeadlineService};
    options.health_listen = "127.0.0.1:0";
    return options;
  }
  // Calls ListItems at `port` as a student, giving up after `wait`.
  grpc::Status ListItems(int port, absl::Duration wait = absl::Seconds(5)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + wait));
    auth_.Attach(context, Role::kStudent, "ari");
    ListItemsResponse response;
    return DeadlineService::NewStub(Plaintext(port))
        ->ListItems(&context, ListItemsRequest(), &response);
  }

  testing::TestAuth auth_;
  HoldingDeadlineService service_;
};

TEST_F(HealthProbeTest, ServesOnlyHealthInPlaintextOnItsOwnPort) {
  auto running = StartServer(Options(), {&service_});
  ASSERT_TRUE(running.ok()) << running.status();
  ASSERT_NE(running->health_server, nullptr);
  const int probe = running->health_server->port();
  ASSERT_NE(probe, 0);
  EXPECT_NE(probe, running->port);

  HealthCheckResponse::ServingStatus serving;
  ASSERT_TRUE(Check(probe, "", &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);
  ASSERT_TRUE(Check(probe, kDeadlineService, &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);
  // A name the server does not serve is unknown there as on the server.
  EXPECT_EQ(Check(probe, "handin.example.v1.Nothing", &serving).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The main server serves the handin service and reflection; the probe
  // port neither, even to a caller that needs no token.
  EXPECT_TRUE(ListItems(running->port).ok());
  EXPECT_TRUE(CallEmpty(running->port, kReflection).ok());
  EXPECT_EQ(ListItems(probe).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallEmpty(probe, kReflection).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  StopServer(*running, absl::Seconds(1));
  const grpc::Status after = Check(probe, "", &serving);
  EXPECT_FALSE(after.ok() && serving == HealthCheckResponse::SERVING)
      << "the probe still says SERVING after StopServer";
}

TEST_F(HealthProbeTest, SaysNotServingWhileTheServerDrains) {
  service_.Hold();
  auto running = StartServer(Options(), {&service_});
  ASSERT_TRUE(running.ok()) << running.status();
  ASSERT_NE(running->health_server, nullptr);
  const int probe = running->health_server->port();

  // A call in flight keeps the server draining until it is released.
  std::future<grpc::Status> in_flight =
      std::async(std::launch::async, [this, port = running->port] {
        return ListItems(port, absl::Minutes(5));
      });
  service_.AwaitHeld();
  // From here on no ASSERT: the held call must be released for the server
  // to stop.
  HealthCheckResponse::ServingStatus serving;
  EXPECT_TRUE(Check(probe, kDeadlineService, &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);

  std::thread stopper([&running] { StopServer(*running, absl::Minutes(5)); });
  // StopServer flips the probe before it starts draining; the probe must
  // keep answering, NOT_SERVING, until the server has stopped. Polled
  // (no time is asserted), giving up after many tries.
  grpc::Status checked;
  for (int tries = 0; tries < 600; ++tries) {
    checked = Check(probe, kDeadlineService, &serving);
    if (!checked.ok() || serving != HealthCheckResponse::SERVING) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(checked.ok()) << checked.error_message();
  EXPECT_EQ(serving, HealthCheckResponse::NOT_SERVING);
  EXPECT_TRUE(Check(probe, "", &serving).ok());
  EXPECT_EQ(serving, HealthCheckResponse::NOT_SERVING);

  service_.Release();
  stopper.join();
  EXPECT_TRUE(in_flight.get().ok());
  const grpc::Status after = Check(probe, "", &serving);
  EXPECT_FALSE(after.ok() && serving == HealthCheckResponse::SERVING);
}

TEST_F(HealthProbeTest, AProbeAddressInUseStopsTheStartAndNamesTheFlag) {
  auto first = StartServer(Options(), {&service_});
  ASSERT_TRUE(first.ok()) << first.status();
  testing::TempDir dir;
  ServerOptions options = Options();
  ASSERT_NE(first->health_server, nullptr);
  options.health_listen = Loopback(first->health_server->port());
  options.port_file = dir.File("port");
  auto second = StartServer(options, {&service_});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(),
              ::testing::HasSubstr(options.health_listen));
  EXPECT_THAT(second.status().message(),
              ::testing::HasSubstr("--health_listen"));
  // Nothing claims to be up.
  EXPECT_FALSE(ReadFileToString(dir.File("port")).ok());
  StopServer(*first, absl::Seconds(1));
}

TEST_F(HealthProbeTest, IsOffByDefault) {
  ServerOptions options = Options();
  options.health_listen.clear();
  auto running = StartServer(options, {&service_});
  ASSERT_TRUE(running.ok()) << running.status();
  EXPECT_EQ(running->health_server, nullptr);
  StopServer(*running, absl::Seconds(1));
}

}  // namespace
}  // namespace handin
