// handin-health: asks a server's grpc.health.v1 service whether it is
// SERVING. Exit 0 if it is, 1 if it answers otherwise, 2 if unreachable.
// Used by scripts/up, the integration tests and container health checks.
// With --http_path it asks an HTTP server (the gateway) instead: GET of
// that path, exit 0 on 200.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/flags.h"
#include "common/http_listen.h"
#include "common/tls.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "httplib.h"

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
ABSL_FLAG(std::string, http_path, "",
          "ask an HTTP server instead (the gateway): GET this path, e.g. "
          "/healthz, over HTTPS verified with --ca (plain HTTP with "
          "--insecure); exit 0 on status 200");

namespace {

// The --http_path check of `addr`: 0 on 200, 1 on another status, 2 when
// no answer comes.
int CheckHttp(const std::string& addr, bool quiet) {
  auto address = handin::ParseHostPort(addr, "--addr");
  if (!address.ok()) {
    std::fprintf(stderr, "handin-health: %s\n",
                 std::string(address.status().message()).c_str());
    return 2;
  }
  std::unique_ptr<httplib::ClientImpl> client;
  if (absl::GetFlag(FLAGS_insecure)) {
    client =
        std::make_unique<httplib::ClientImpl>(address->host, address->port);
  } else {
    auto tls =
        std::make_unique<httplib::SSLClient>(address->host, address->port);
    if (!absl::GetFlag(FLAGS_ca).empty()) {
      tls->set_ca_cert_path(absl::GetFlag(FLAGS_ca).c_str());
    }
    tls->enable_server_certificate_verification(true);
    client = std::move(tls);
  }
  const auto timeout = absl::ToChronoMicroseconds(absl::GetFlag(FLAGS_timeout));
  client->set_connection_timeout(timeout);
  client->set_read_timeout(timeout);
  httplib::Result result = client->Get(absl::GetFlag(FLAGS_http_path).c_str());
  if (!result) {
    if (!quiet) {
      std::fprintf(stderr, "handin-health: %s: %s\n", addr.c_str(),
                   httplib::to_string(result.error()).c_str());
    }
    return 2;
  }
  if (!quiet) std::printf("%s HTTP %d\n", addr.c_str(), result->status);
  return result->status == 200 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  handin::ParseFlags(
      argc, argv,
      "checks a handin server's grpc.health.v1 status; exit 0 when "
      "SERVING.\nUsage: handin-health --addr=HOST:PORT [--ca=F] "
      "[--cert=F --key=F] [--http_path=/healthz]");
  const bool quiet = absl::GetFlag(FLAGS_quiet);
  const std::string addr = absl::GetFlag(FLAGS_addr);
  if (!absl::GetFlag(FLAGS_http_path).empty()) return CheckHttp(addr, quiet);

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
