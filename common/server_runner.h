#ifndef HANDIN_COMMON_SERVER_RUNNER_H_
#define HANDIN_COMMON_SERVER_RUNNER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/call_authenticator.h"
#include "common/health_probe.h"
#include "common/tls.h"
#include "grpcpp/server.h"

namespace handin {

// Where and how a handin server listens.
struct ServerOptions {
  // host:port to bind; port 0 picks a free port. Default: none (required).
  std::string listen_address;
  // When set, the bound port is written to this file once serving, so a
  // caller that asked for port 0 can find it. Written atomically.
  std::string port_file;
  // Transport security (TLS by default).
  ServerTlsOptions tls;
  // Who may call what: runs before any handler on every call. Required:
  // StartServer refuses to start a server without one.
  std::shared_ptr<CallAuthenticator> authenticator;
  // How long calls in flight may run after a shutdown signal. Default 10 s.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // Largest message a caller may send, in bytes; a larger one fails
  // RESOURCE_EXHAUSTED before any handler sees it. Default 4 MiB: uploads
  // send chunks of at most 1 MiB.
  int max_receive_message_bytes = 4 << 20;
  // HTTP/2 flow-control window of each call, in bytes: how far a sender
  // may run ahead of the handler reading its stream. Fixed (gRPC's
  // bandwidth probing, which grows windows on a fast link, is off), so a
  // server buffers at most this much per upload however fast the client
  // sends. Default 4 MiB: 80 MB/s at 50 ms round trip.
  int http2_stream_window_bytes = 4 << 20;
  // Where ServeUntilSignalled serves GET /metrics (the process's
  // metrics::Registry, plain HTTP; common/metrics_http.h): "host:port"
  // (port 0 picks a free one), "none" for nowhere, or empty (the default)
  // for the service's own loopback port, best effort
  // (metrics::StartServerMetrics).
  std::string metrics_listen;
  // When set, the bound metrics port is written to this file, atomically,
  // before the server's port_file.
  std::string metrics_port_file;
  // Full names of the services (e.g. "handin.grading.v1.GradingService")
  // that grpc.health.v1 reports on, besides the server as a whole ("").
  // Default: none.
  std::vector<std::string> service_names;
  // When set ("host:port", port 0 picks a free one), a second server on
  // this address answers grpc.health.v1 and nothing else, in plaintext and
  // without a token check (common/health_probe.h), with the same statuses
  // as this server: for the kubelet's native gRPC probes, which cannot
  // speak TLS. Health tells only SERVING or NOT_SERVING, which this
  // server's own health service tells anyone too; still, bind it where
  // the kubelet reaches it, not where students do. Default: empty, none.
  std::string health_listen;
};

// A started server with grpc.health.v1 and reflection enabled, and the
// telemetry interceptor (common/rpc_telemetry.h) on every call; with its
// plaintext health probe server when options.health_listen was set.
struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  // The port actually bound.
  int port = 0;
  // The probe server (grpc.health.v1 only, plaintext), or null when
  // options.health_listen was empty.
  std::unique_ptr<HealthProbeServer> health_server;
};

// Builds and starts a server for `services` (not owned; they must outlive
// the server) plus health (SERVING) and server reflection, and the probe
// server when options.health_listen is set. FailedPrecondition if either
// address cannot be bound (nothing is left running); InvalidArgument for
// bad TLS material or a missing authenticator.
absl::StatusOr<RunningServer> StartServer(
    const ServerOptions& options, const std::vector<grpc::Service*>& services);

// Marks every service NOT_SERVING on the server and on its probe server,
// then shuts the server down, letting calls in flight finish until `grace`
// has passed and cancelling the rest, and then the probe server, which
// answers NOT_SERVING until then.
void StopServer(RunningServer& running, absl::Duration grace);

// How often ServeUntilSignalled, when the server has no call in flight,
// hands the pages of freed heap blocks back to the kernel (glibc's
// malloc_trim). glibc otherwise keeps what a burst freed resident:
// storage's flushed memtables and intake's chunk buffers left the two
// ~100 MiB higher after large uploads than after small ones, and the next
// deadline rush started there. Only when idle: trimming every 5 s under
// load cost ~3 % of the large-upload profile in madvise and page faults
// (docs/benchmarks.md).
inline constexpr absl::Duration kFreedMemoryReleaseInterval = absl::Seconds(1);

// Starts the metrics endpoint (options.metrics_listen) and the server with
// its probe server (options.health_listen), logs where they listen, serves
// until SIGTERM or SIGINT, then stops the server gracefully. Meanwhile it
// releases freed memory every kFreedMemoryReleaseInterval in which it finds
// no call in flight. Returns non-OK if any could not start.
absl::Status ServeUntilSignalled(const std::string& name,
                                 const ServerOptions& options,
                                 const std::vector<grpc::Service*>& services);

}  // namespace handin

#endif  // HANDIN_COMMON_SERVER_RUNNER_H_
