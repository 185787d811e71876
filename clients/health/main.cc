// handin-health: asks a server's grpc.health.v1 service whether it is
// SERVING. Exit 0 if it is, 1 if it answers otherwise, 2 if unreachable.
// Used by scripts/up, the integration tests and container health checks.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/flags.h"
#include "common/tls.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "host:port of the server");
ABSL_FLAG(std::string, service, "",
          "service name to ask about; empty asks about the whole server");
ABSL_FLAG(std::string, ca, "", "PEM CA that signed the server's certificate");
ABSL_FLAG(std::string, cert, "",
          "PEM client certificate, for servers that require mutual TLS");
ABSL_FLAG(std::string, key, "", "PEM private key for --cert");
ABSL_FLAG(bool, insecure, false, "plaintext instead of TLS");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(2),
          "how long to wait for an answer");
ABSL_FLAG(bool, quiet, false, "print nothing, only set the exit code");

int main(int argc, char** argv) {
  handin::ParseFlags(
      argc, argv,
      "checks a handin server's grpc.health.v1 status; exit 0 when "
      "SERVING.\nUsage: handin-health --addr=HOST:PORT [--ca=F] "
      "[--cert=F --key=F]");
  const bool quiet = absl::GetFlag(FLAGS_quiet);
  const std::string addr = absl::GetFlag(FLAGS_addr);

  auto credentials = handin::MakeChannelCredentials(
      {.ca_file = absl::GetFlag(FLAGS_ca),
       .cert_file = absl::GetFlag(FLAGS_cert),
       .key_file = absl::GetFlag(FLAGS_key),
       .insecure = absl::GetFlag(FLAGS_insecure)});
  if (!credentials.ok()) {
    std::fprintf(stderr, "handin-health: %s\n",
                 std::string(credentials.status().message()).c_str());
    return 2;
  }
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(addr, *credentials));
  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(absl::GetFlag(FLAGS_service));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    if (!quiet) {
      std::fprintf(stderr, "handin-health: %s: %s\n", addr.c_str(),
                   status.error_message().c_str());
    }
    return 2;
  }
  const std::string state =
      grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
          response.status());
  if (!quiet) std::printf("%s %s\n", addr.c_str(), state.c_str());
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING
             ? 0
             : 1;
}
