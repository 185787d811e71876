#include "common/metrics_http.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/http_listen.h"
#include "httplib.h"
#include "spdlog/spdlog.h"

namespace handin::metrics {

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, const Registry& registry) {
  absl::StatusOr<HostPort> address = ParseHostPort(listen, "--metrics_listen");
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(address.status().message(), ", or none"));
  }
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *endpoint->server_;
  // Scrapes are rare and small: two threads, and idle connections closed
  // soon, so one scraper cannot hold the endpoint.
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_keep_alive_timeout(2);
  server.set_read_timeout(5);
  server.Get("/metrics", [&registry](const httplib::Request&,
                                     httplib::Response& response) {
    response.set_content(registry.Exposition(), kExpositionContentType);
  });
  absl::StatusOr<int> port = BindHttpServer(server, *address);
  if (!port.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(port.status().message(),
                     "; pick another --metrics_listen or say "
                     "--metrics_listen=none"));
  }
  endpoint->port_ = *port;
  endpoint->thread_ = ServeInBackground(server);
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string DefaultMetricsListen(absl::string_view service_name) {
  static constexpr std::pair<absl::string_view, int> kPorts[] = {
      {"intake", 9451},
      {"deadline", 9452},
      {"storage", 9453},
      {"grading", 9454},
      {"gateway", 9455}};
  for (const auto& [name, port] : kPorts) {
    if (name == service_name) return absl::StrCat("127.0.0.1:", port);
  }
  return "";
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> StartServerMetrics(
    absl::string_view service_name, const std::string& listen,
    const Registry& registry) {
  if (listen == kMetricsDisabled) return nullptr;
  const bool by_default = listen.empty();
  const std::string address =
      by_default ? DefaultMetricsListen(service_name) : listen;
  if (address.empty()) return nullptr;
  absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint =
      MetricsEndpoint::Start(address, registry);
  if (!endpoint.ok()) {
    if (!by_default) return endpoint.status();
    spdlog::warn("event=metrics_unavailable address={} msg=\"{}\"", address,
                 std::string(endpoint.status().message()));
    return nullptr;
  }
  spdlog::info("event=metrics_serving address={} port={} path=/metrics",
               address, (*endpoint)->port());
  return endpoint;
}

}  // namespace handin::metrics
