#include "common/http_listen.h"

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace handin {
namespace {

void ReuseAddressOnly(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

}  // namespace

absl::StatusOr<HostPort> ParseHostPort(absl::string_view listen,
                                       absl::string_view flag) {
  const size_t colon = listen.rfind(':');
  HostPort parsed;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &parsed.port) ||
      parsed.port < 0 || parsed.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " \"", listen,
                     "\" is not host:port (e.g. 127.0.0.1:8443, "
                     "0.0.0.0:8443 or [::1]:8443)"));
  }
  absl::string_view host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  parsed.host = std::string(host);
  return parsed;
}

absl::StatusOr<int> BindHttpServer(httplib::Server& server,
                                   const HostPort& address) {
  server.set_socket_options(ReuseAddressOnly);
  int port = 0;
  if (address.port == 0) {
    port = server.bind_to_any_port(address.host);
  } else if (server.bind_to_port(address.host, address.port)) {
    port = address.port;
  }
  if (port <= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", address.host, ":", address.port,
                     " (address in use, or not an address of this machine?)"));
  }
  return port;
}

std::thread ServeInBackground(httplib::Server& server,
                              std::function<void()> on_end) {
  auto ended = std::make_shared<std::atomic<bool>>(false);
  std::thread thread([&server, ended, on_end = std::move(on_end)] {
    server.listen_after_bind();
    *ended = true;
    if (on_end) on_end();
  });
  while (!server.is_running() && !*ended) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return thread;
}

}  // namespace handin
