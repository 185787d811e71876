#ifndef HANDIN_COMMON_METRICS_HTTP_H_
#define HANDIN_COMMON_METRICS_HTTP_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/metrics.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace handin::metrics {

// What a server's --metrics_listen says when metrics are not served.
inline constexpr char kMetricsDisabled[] = "none";

// A plain-HTTP endpoint that answers GET /metrics with a registry's
// exposition (text format 0.0.4), for Prometheus to scrape. Anything else
// is 404. Serves on its own two threads (cpp-httplib); scrapes never touch
// gRPC's threads.
class MetricsEndpoint {
 public:
  // Binds `listen` ("host:port", "[v6 address]:port"; port 0 picks a free
  // one) and starts serving `registry` (not owned; must outlive the
  // endpoint). InvalidArgument for a malformed address; FailedPrecondition
  // when it cannot be bound (in use, or not an address of this machine).
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen, const Registry& registry);

  // Stops serving and joins the serving thread.
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The port actually bound.
  int port() const { return port_; }

 private:
  MetricsEndpoint() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Where server `service_name` serves metrics when --metrics_listen is not
// given: its own loopback port, "127.0.0.1:9451" for intake, 9452 deadline,
// 9453 storage, 9454 grading, 9455 gateway (docs/deploy.md); empty for any
// other name.
std::string DefaultMetricsListen(absl::string_view service_name);

// Starts the metrics endpoint of server `service_name` serving `registry`
// as its --metrics_listen `listen` says:
//   "none"     no endpoint (returns null);
//   empty      DefaultMetricsListen; when that cannot be bound (a second
//              copy on one machine, tests in parallel) logs
//              event=metrics_unavailable and returns null: the server runs
//              without metrics rather than not at all;
//   otherwise  exactly `listen`; MetricsEndpoint::Start's errors returned.
// Logs event=metrics_serving with the address when it serves.
absl::StatusOr<std::unique_ptr<MetricsEndpoint>> StartServerMetrics(
    absl::string_view service_name, const std::string& listen,
    const Registry& registry);

}  // namespace handin::metrics

#endif  // HANDIN_COMMON_METRICS_HTTP_H_
