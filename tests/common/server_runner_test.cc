#include "common/server_runner.h"

#include "common/tls.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_auth.h"

namespace handin {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::handin::testing::TempDir;

// Makes a CA and a localhost certificate with the same script scripts/up
// uses; returns the directory.
std::string MakeTls(const TempDir& dir, const std::string& name) {
  const std::string out = dir.File(name);
  testing::CommandResult made = testing::RunCommand(
      {"/bin/bash", "-c",
       "source '" + testing::SourceDir() +
           "/scripts/lib/tls.sh' && handin_make_tls '" + out + "'"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return out;
}

grpc::Status CheckHealth(const std::string& address,
                         const ChannelTlsOptions& tls,
                         HealthCheckResponse::ServingStatus* status,
                         const std::string& service = "") {
  auto credentials = MakeChannelCredentials(tls);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  auto stub = Health::NewStub(grpc::CreateChannel(address, *credentials));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status result = stub->Check(&context, request, &response);
  *status = response.status();
  return result;
}

// Admits health checks (public) and nothing else.
std::shared_ptr<CallAuthenticator> HealthOnly() {
  AccessPolicy policy;
  AllowHealthAndReflection(policy);
  return testing::TestAuth().Authenticator(std::move(policy));
}

// Plaintext on an ephemeral loopback port: what most of these tests need.
ServerOptions LoopbackOptions() {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls.insecure = true;
  options.authenticator = HealthOnly();
  return options;
}

TEST(StartServer, RefusesToStartWithoutAnAuthenticator) {
  ServerOptions options = LoopbackOptions();
  options.authenticator = nullptr;
  auto running = StartServer(options, {});
  EXPECT_EQ(running.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(running.status().message(),
              ::testing::HasSubstr("no authenticator"));
}

TEST(StartServer, ReportsServingForTheServerAndEachNamedService) {
  ServerOptions options = LoopbackOptions();
  options.service_names = {"handin.example.v1.Example"};
  auto running = StartServer(options, {});
  ASSERT_TRUE(running.ok()) << running.status();
  const std::string address = "127.0.0.1:" + std::to_string(running->port);
  HealthCheckResponse::ServingStatus status;
  ASSERT_TRUE(CheckHealth(address, {.insecure = true}, &status).ok());
  EXPECT_EQ(status, HealthCheckResponse::SERVING);
  ASSERT_TRUE(CheckHealth(address, {.insecure = true}, &status,
                          "handin.example.v1.Example")
                  .ok());
  EXPECT_EQ(status, HealthCheckResponse::SERVING);
  StopServer(*running, absl::Seconds(1));
}

TEST(StartServer, RefusesAMessageOverTheLimit) {
  ServerOptions options = LoopbackOptions();
  options.max_receive_message_bytes = 1024;
  auto running = StartServer(options, {});
  ASSERT_TRUE(running.ok()) << running.status();
  const std::string address = "127.0.0.1:" + std::to_string(running->port);
  HealthCheckResponse::ServingStatus status;
  const grpc::Status oversized =
      CheckHealth(address, {.insecure = true}, &status, std::string(2000, 'x'));
  EXPECT_EQ(oversized.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << oversized.error_message();
  // Under the limit the same call reaches the health service, which
  // answers it (with an error of its own about the made-up name).
  EXPECT_NE(
      CheckHealth(address, {.insecure = true}, &status, std::string(500, 'x'))
          .error_code(),
      grpc::StatusCode::RESOURCE_EXHAUSTED);
  StopServer(*running, absl::Seconds(1));
}

TEST(StartServer, WritesTheBoundPortToThePortFile) {
  TempDir dir;
  ServerOptions options = LoopbackOptions();
  options.port_file = dir.File("port");
  auto running = StartServer(options, {});
  ASSERT_TRUE(running.ok()) << running.status();
  EXPECT_EQ(ReadFileToString(dir.File("port")).value_or(""),
            std::to_string(running->port) + "\n");
  StopServer(*running, absl::Seconds(1));
}

TEST(StartServer, RefusesAnAddressAlreadyInUse) {
  ServerOptions options = LoopbackOptions();
  auto first = StartServer(options, {});
  ASSERT_TRUE(first.ok());
  options.listen_address = "127.0.0.1:" + std::to_string(first->port);
  auto second = StartServer(options, {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(),
              ::testing::HasSubstr(options.listen_address));
  StopServer(*first, absl::Seconds(1));
}

TEST(StartServer, WithoutCertificatesAndWithoutInsecureIsAnError) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.authenticator = HealthOnly();
  auto running = StartServer(options, {});
  EXPECT_EQ(running.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(running.status().message(), ::testing::HasSubstr("--tls_cert"));
}

TEST(StartServer, MissingCertificateFileIsNamedInTheError) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.authenticator = HealthOnly();
  options.tls.cert_file = "/nonexistent/server.pem";
  options.tls.key_file = "/nonexistent/server.key";
  auto running = StartServer(options, {});
  EXPECT_FALSE(running.ok());
  EXPECT_THAT(running.status().message(),
              ::testing::HasSubstr("/nonexistent/server.pem"));
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tls_ = MakeTls(dir_, "tls");
    other_ca_ = MakeTls(dir_, "other") + "/ca.pem";
  }
  absl::StatusOr<RunningServer> Start(bool mutual) {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.authenticator = HealthOnly();
    options.tls = {.cert_file = tls_ + "/server.pem",
                   .key_file = tls_ + "/server.key",
                   .client_ca_file = mutual ? tls_ + "/ca.pem" : ""};
    return StartServer(options, {});
  }
  TempDir dir_;
  std::string tls_;
  std::string other_ca_;
};

TEST_F(TlsTest, ClientTrustingTheCourseCaConnects) {
  auto running = Start(/*mutual=*/false);
  ASSERT_TRUE(running.ok()) << running.status();
  HealthCheckResponse::ServingStatus status;
  EXPECT_TRUE(CheckHealth("localhost:" + std::to_string(running->port),
                          {.ca_file = tls_ + "/ca.pem"}, &status)
                  .ok());
  StopServer(*running, absl::Seconds(1));
}

TEST_F(TlsTest, ClientTrustingAnotherCaIsRefused) {
  auto running = Start(/*mutual=*/false);
  ASSERT_TRUE(running.ok()) << running.status();
  HealthCheckResponse::ServingStatus status;
  EXPECT_EQ(CheckHealth("localhost:" + std::to_string(running->port),
                        {.ca_file = other_ca_}, &status)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  StopServer(*running, absl::Seconds(1));
}

TEST_F(TlsTest, PlaintextClientIsRefused) {
  auto running = Start(/*mutual=*/false);
  ASSERT_TRUE(running.ok()) << running.status();
  HealthCheckResponse::ServingStatus status;
  EXPECT_FALSE(CheckHealth("127.0.0.1:" + std::to_string(running->port),
                           {.insecure = true}, &status)
                   .ok());
  StopServer(*running, absl::Seconds(1));
}

TEST_F(TlsTest, MutualTlsRefusesAClientWithoutACertificate) {
  auto running = Start(/*mutual=*/true);
  ASSERT_TRUE(running.ok()) << running.status();
  const std::string address = "localhost:" + std::to_string(running->port);
  HealthCheckResponse::ServingStatus status;
  EXPECT_FALSE(
      CheckHealth(address, {.ca_file = tls_ + "/ca.pem"}, &status).ok());
  EXPECT_TRUE(CheckHealth(address,
                          {.ca_file = tls_ + "/ca.pem",
                           .cert_file = tls_ + "/server.pem",
                           .key_file = tls_ + "/server.key"},
                          &status)
                  .ok());
  StopServer(*running, absl::Seconds(1));
}

TEST(StopServer, ReportsNotServingOnceStopping) {
  ServerOptions options = LoopbackOptions();
  auto running = StartServer(options, {});
  ASSERT_TRUE(running.ok());
  running->server->GetHealthCheckService()->SetServingStatus(false);
  HealthCheckResponse::ServingStatus status;
  ASSERT_TRUE(CheckHealth("127.0.0.1:" + std::to_string(running->port),
                          {.insecure = true}, &status)
                  .ok());
  EXPECT_EQ(status, HealthCheckResponse::NOT_SERVING);
  StopServer(*running, absl::Seconds(1));
}

}  // namespace
}  // namespace handin
