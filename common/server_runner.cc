#include "common/server_runner.h"

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/health_probe.h"
#include "common/metrics.h"
#include "common/metrics_http.h"
#include "common/periodic_task.h"
#include "common/port_file.h"
#include "common/rpc_telemetry.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "spdlog/spdlog.h"

namespace handin {
namespace {

// Self-pipe: the signal handler only writes a byte; the serving thread
// blocks reading it. Works whatever threads gRPC has started.
int signal_pipe[2] = {-1, -1};

void OnShutdownSignal(int signo) {
  const char byte = static_cast<char>(signo);
  [[maybe_unused]] ssize_t n = write(signal_pipe[1], &byte, 1);
}

// Sets "" and each of `names` to SERVING on `health`.
void SetServing(grpc::HealthCheckServiceInterface& health,
                const std::vector<std::string>& names) {
  for (const std::string& name : names) health.SetServingStatus(name, true);
  health.SetServingStatus("", true);
}

}  // namespace

absl::StatusOr<RunningServer> StartServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services) {
  if (options.listen_address.empty()) {
    return absl::InvalidArgumentError("no listen address given (--listen)");
  }
  if (options.authenticator == nullptr) {
    return absl::InvalidArgumentError(
        "no authenticator: every handin server checks each call's token");
  }
  auto credentials = MakeServerCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  (*credentials)->SetAuthMetadataProcessor(options.authenticator);

  // gRPC's built-in health service does not put its proto in the generated
  // pool, so reflection could list grpc.health.v1.Health but not describe
  // it; touching the descriptor links Debian's health.proto in.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default: a second server on the same port
  // would then start "fine" and silently take half the traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
                             options.http2_stream_window_bytes);
  RunningServer running;
  builder.AddListeningPort(options.listen_address, *credentials, &running.port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(MakeServerTelemetry(metrics::Registry::Default()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  running.server = builder.BuildAndStart();
  if (running.server == nullptr || running.port == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use, or not an address of this machine?)"));
  }
  if (!options.health_listen.empty()) {
    auto probe = HealthProbeServer::Start(options.health_listen);
    if (!probe.ok()) {
      StopServer(running, absl::ZeroDuration());
      return probe.status();
    }
    running.health_server = *std::move(probe);
  }
  SetServing(*running.server->GetHealthCheckService(), options.service_names);
  if (running.health_server != nullptr) {
    SetServing(running.health_server->health(), options.service_names);
  }
  if (!options.port_file.empty()) {
    absl::Status written = WritePortFile(options.port_file, running.port);
    if (!written.ok()) {
      StopServer(running, absl::ZeroDuration());
      return written;
    }
  }
  return running;
}

void StopServer(RunningServer& running, absl::Duration grace) {
  // Both first: the probe must not say SERVING while the server drains.
  running.server->GetHealthCheckService()->SetServingStatus(false);
  if (running.health_server != nullptr) {
    running.health_server->health().SetServingStatus(false);
  }
  running.server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  running.server->Wait();
  if (running.health_server != nullptr) {
    running.health_server->Shutdown();
  }
}

absl::Status ServeUntilSignalled(const std::string& name,
                                 const ServerOptions& options,
                                 const std::vector<grpc::Service*>& services) {
  if (pipe(signal_pipe) != 0) {
    return absl::InternalError("cannot create the shutdown signal pipe");
  }
  struct sigaction action = {};
  action.sa_handler = OnShutdownSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  // Before the server, so its port file still means "everything is up".
  auto metrics = metrics::StartServerMetrics(name, options.metrics_listen,
                                             metrics::Registry::Default());
  if (!metrics.ok()) return metrics.status();
  if (*metrics != nullptr && !options.metrics_port_file.empty()) {
    absl::Status written =
        WritePortFile(options.metrics_port_file, (*metrics)->port());
    if (!written.ok()) return written;
  }
  auto running = StartServer(options, services);
  if (!running.ok()) return running.status();
  spdlog::info("event=serving name={} address={} port={} tls={}", name,
               options.listen_address, running->port,
               options.tls.insecure                 ? "off"
               : options.tls.client_ca_file.empty() ? "server"
                                                    : "mutual");
  if (running->health_server != nullptr) {
    spdlog::info(
        "event=health_serving address={} port={} tls=off "
        "services=grpc.health.v1",
        options.health_listen, running->health_server->port());
  }

  PeriodicTask release_freed_memory(kFreedMemoryReleaseInterval, [] {
    if (ServerCallsInFlight() == 0) malloc_trim(0);
  });
  char signo = 0;
  while (read(signal_pipe[0], &signo, 1) < 0 && errno == EINTR) {
  }
  spdlog::info("event=shutting_down signal={} grace_ms={}", int{signo},
               absl::ToInt64Milliseconds(options.shutdown_grace));
  StopServer(*running, options.shutdown_grace);
  spdlog::info("event=stopped");
  return absl::OkStatus();
}

}  // namespace handin
