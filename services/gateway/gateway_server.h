#ifndef HANDIN_SERVICES_GATEWAY_GATEWAY_SERVER_H_
#define HANDIN_SERVICES_GATEWAY_GATEWAY_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/tls.h"
#include "services/gateway/api.h"
#include "services/gateway/backends.h"

namespace httplib {
class Server;
}

namespace handin::gateway {

// Where and how the gateway serves HTTP.
struct GatewayOptions {
  // host:port to bind ("127.0.0.1:8443", "[::1]:8443", "0.0.0.0:8443");
  // port 0 picks a free port. Required.
  std::string listen_address;
  // When set, the bound port is written here once serving (atomically).
  std::string port_file;
  // HTTPS with tls.cert_file and tls.key_file (client_ca_file must be
  // empty: browsers present no certificate), or with tls.insecure plain
  // HTTP that answers loopback peers only (403 to any other).
  ServerTlsOptions tls;
  // The dashboard's files, served under "/" ("/" is index.html). Empty:
  // the API only.
  std::string static_dir;
  // Threads serving HTTP requests; each holds one request at a time,
  // including its call to a service. Default 8.
  int http_threads = 8;
  // Largest request body accepted, in bytes (413 beyond). Default 1 MiB.
  size_t max_body_bytes = 1 << 20;
};

// The gateway's HTTP server (cpp-httplib):
//   GET  /healthz                    200 {"status":"SERVING"}, no token
//   POST /api/<service>/<method>     Api::Call, JSON in and out
//   GET  /api/handin.grading.v1.GradingService/DownloadSubmission
//        ?course_id=C&submission_id=S the file, with the name and media
//                                    type its record gives
//   GET  /<path>                     the dashboard's files (static_dir)
// Every other /api/ path gets a JSON 404; Range headers are ignored there
// (downloads stream in order, whole). Every response carries
// no-sniff, no-referrer and a same-origin Content-Security-Policy; API
// responses are not cached. Requests are logged (method, path, status;
// never the Authorization header).
class GatewayServer {
 public:
  // Binds and starts serving `api` (which must outlive the server).
  // InvalidArgument for bad options or TLS files, FailedPrecondition if the
  // address cannot be bound or the port file written.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(
      const GatewayOptions& options, const Api& api, Backends& backends);
  // Stop(0) if still serving.
  ~GatewayServer();
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  // The port actually bound.
  int port() const { return port_; }

  // Stops accepting connections and lets requests in flight finish for up
  // to `grace`; then cancels their calls to the services (their clients
  // get an error or a cut-off download). Returns when every request has
  // ended. Idle keep-alive connections are closed within 5 s.
  void Stop(absl::Duration grace);

 private:
  GatewayServer(std::unique_ptr<httplib::Server> http, Backends& backends);

  std::unique_ptr<httplib::Server> http_;
  Backends& backends_;
  int port_ = 0;
  std::thread listener_;
  absl::Notification listener_done_;
  bool stopped_ = false;
};

}  // namespace handin::gateway

#endif  // HANDIN_SERVICES_GATEWAY_GATEWAY_SERVER_H_
