#ifndef HANDIN_COMMON_HTTP_LISTEN_H_
#define HANDIN_COMMON_HTTP_LISTEN_H_

// Binding and running a cpp-httplib server the way every handin HTTP
// endpoint does (the gateway, /metrics).

#include <functional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace handin {

struct HostPort {
  std::string host;
  int port = 0;
};

// Splits "host:port" or "[v6 address]:port" (brackets removed from the
// host). InvalidArgument naming `flag` and showing the form for anything
// else, or a port outside 0-65535.
absl::StatusOr<HostPort> ParseHostPort(absl::string_view listen,
                                       absl::string_view flag);

// Binds `server` to `address` (port 0: a free one) with SO_REUSEADDR but
// not httplib's default SO_REUSEPORT, with which a second server on the
// same port would bind "fine" and take half the requests. Returns the port
// bound; FailedPrecondition if it cannot be bound (in use, or not an
// address of this machine).
absl::StatusOr<int> BindHttpServer(httplib::Server& server,
                                   const HostPort& address);

// Runs `server` (bound) on a new thread and returns it once the server
// runs, so that a stop() right after takes effect (before that, stop() does
// nothing). If listening fails at once, returns when the thread has ended.
// `on_end`, if set, runs on that thread when the server has stopped and
// every request it was serving has ended.
std::thread ServeInBackground(httplib::Server& server,
                              std::function<void()> on_end = nullptr);

}  // namespace handin

#endif  // HANDIN_COMMON_HTTP_LISTEN_H_
