// handin-gateway: the staff dashboard's HTTP/JSON door to the gRPC services,
// and the server of the dashboard's files.
#include <signal.h>

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/metrics_http.h"
#include "common/port_file.h"
#include "common/server_flags.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "services/gateway/access.h"
#include "services/gateway/api.h"
#include "services/gateway/gateway_server.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, grading_addr, "127.0.0.1:50054",
          "host:port of the grading service");
ABSL_FLAG(std::string, deadline_addr, "127.0.0.1:50052",
          "host:port of the deadline service");
ABSL_FLAG(std::string, static_dir, "",
          "directory of the dashboard's built files, served under / "
          "(scripts/up: build/dashboard); empty serves the API only");
ABSL_FLAG(absl::Duration, rpc_timeout, absl::Seconds(30),
          "how long one API call to a service may take");
ABSL_FLAG(int, http_threads, 8,
          "threads serving HTTP requests (each holds one request)");

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "handin-gateway: %s\n",
               std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  handin::ParseServerFlags(
      argc, argv,
      "serves the staff dashboard and its HTTP/JSON API (POST "
      "/api/<service>/<method>), calling the gRPC services with the caller's "
      "bearer token.\nUsage: handin-gateway [--listen=HOST:PORT] "
      "--token_key=F --tls_cert=F --tls_key=F --tls_ca=F [--static_dir=DIR] "
      "[--grading_addr=HOST:PORT] [--deadline_addr=HOST:PORT]");
  handin::InitLogging("gateway");
  // SIGTERM and SIGINT are taken by sigwait below: blocked here, before any
  // thread starts, so every thread inherits the mask.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  auto authenticator =
      handin::AuthenticatorFromFlags(handin::gateway::GatewayAccess());
  if (!authenticator.ok()) return Fail(authenticator.status());
  const handin::ServerOptions server =
      handin::ServerOptionsFromFlags("127.0.0.1:8443", *authenticator);
  if (!server.health_listen.empty()) {
    return Fail(absl::InvalidArgumentError(
        "the gateway takes no --health_listen: probe GET /healthz on its "
        "HTTPS port instead (docs/deploy.md, Probes)"));
  }
  auto credentials =
      handin::MakeChannelCredentials(handin::PeerChannelOptionsFromFlags());
  if (!credentials.ok()) return Fail(credentials.status());

  auto grading_channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_grading_addr), *credentials);
  handin::gateway::Backends backends(
      {{handin::grading::v1::GradingService::service_full_name(),
        grading_channel},
       {handin::deadline::v1::DeadlineService::service_full_name(),
        grpc::CreateChannel(absl::GetFlag(FLAGS_deadline_addr), *credentials)}},
      absl::GetFlag(FLAGS_rpc_timeout));
  auto grading = handin::grading::v1::GradingService::NewStub(grading_channel);
  // The generated pool holds every proto linked in: the grading stub above
  // links grading's, which imports deadline's.
  const handin::gateway::Transcoder transcoder(
      *google::protobuf::DescriptorPool::generated_pool());
  const handin::gateway::Api api(handin::gateway::GatewayAccess(),
                                 **authenticator, transcoder, backends,
                                 *grading);
  if (absl::Status exposed = api.CheckExposedMethods(); !exposed.ok()) {
    return Fail(exposed);
  }

  handin::gateway::GatewayOptions options{
      .listen_address = server.listen_address,
      .port_file = server.port_file,
      .tls = server.tls,
      .static_dir = absl::GetFlag(FLAGS_static_dir),
      .http_threads = absl::GetFlag(FLAGS_http_threads)};
  if (options.static_dir.empty()) {
    spdlog::warn(
        "event=no_static_dir msg=\"no --static_dir: serving the "
        "API only, no dashboard\"");
  }
  // Prometheus /metrics (plain HTTP, 127.0.0.1:9455 by default), before
  // the gateway, so its port file still means everything is up.
  auto metrics = handin::metrics::StartServerMetrics(
      "gateway", server.metrics_listen, handin::metrics::Registry::Default());
  if (!metrics.ok()) return Fail(metrics.status());
  if (*metrics != nullptr && !server.metrics_port_file.empty()) {
    absl::Status written =
        handin::WritePortFile(server.metrics_port_file, (*metrics)->port());
    if (!written.ok()) return Fail(written);
  }
  auto running = handin::gateway::GatewayServer::Start(options, api, backends);
  if (!running.ok()) return Fail(running.status());
  spdlog::info("event=serving name=gateway address={} port={} tls={}",
               options.listen_address, (*running)->port(),
               options.tls.insecure ? "off" : "server");

  int signo = 0;
  sigwait(&shutdown_signals, &signo);
  spdlog::info("event=shutting_down signal={} grace_ms={}", signo,
               absl::ToInt64Milliseconds(server.shutdown_grace));
  (*running)->Stop(server.shutdown_grace);
  spdlog::info("event=stopped");
  return 0;
}
