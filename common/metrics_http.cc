#include "common/metrics_http.h"

#include "absl/strings/str_cat.h"
#include "common/http_listen.h"
#include "httplib.h"

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

}  // namespace handin::metrics
