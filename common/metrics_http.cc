#include "common/metrics_http.h"

#include <sys/socket.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace handin::metrics {
namespace {

struct HostPort {
  std::string host;
  int port = 0;
};

absl::StatusOr<HostPort> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  HostPort parsed;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &parsed.port) ||
      parsed.port < 0 || parsed.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_listen \"", listen,
        "\" is not host:port (e.g. 127.0.0.1:9451, 0.0.0.0:9451, or none)"));
  }
  parsed.host = listen.substr(0, colon);
  if (parsed.host.size() > 2 && parsed.host.front() == '[' &&
      parsed.host.back() == ']') {
    parsed.host = parsed.host.substr(1, parsed.host.size() - 2);
  }
  return parsed;
}

// httplib's default also sets SO_REUSEPORT, with which a second server on
// the same port would bind "fine" and take half the scrapes.
void ReuseAddressOnly(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, const Registry& registry) {
  absl::StatusOr<HostPort> address = ParseListen(listen);
  if (!address.ok()) return address.status();
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *endpoint->server_;
  // Scrapes are rare and small: two threads, and idle connections closed
  // soon, so one scraper cannot hold the endpoint.
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_keep_alive_timeout(2);
  server.set_read_timeout(5);
  server.set_socket_options(ReuseAddressOnly);
  server.Get("/metrics", [&registry](const httplib::Request&,
                                     httplib::Response& response) {
    response.set_content(registry.Exposition(), kExpositionContentType);
  });
  if (address->port == 0) {
    endpoint->port_ = server.bind_to_any_port(address->host);
  } else if (server.bind_to_port(address->host, address->port)) {
    endpoint->port_ = address->port;
  }
  if (endpoint->port_ <= 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot serve metrics on ", listen,
        " (address in use, or not an address of this machine?); pick "
        "another --metrics_listen or say --metrics_listen=none"));
  }
  endpoint->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // stop() does nothing before the server runs: return only once it does.
  while (!server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace handin::metrics
