#include "tests/testing/cutting_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace handin::testing {
namespace {

absl::Status SocketError(const char* call) {
  return absl::InternalError(
      absl::StrCat("cutting proxy: ", call, ": ", std::strerror(errno)));
}

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// Writes all of `data`; false if the socket is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t written = send(fd, data, size, MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    data += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

}  // namespace

// One relayed connection: the client's socket and the one to the target,
// closed when the last pump lets go.
struct CuttingProxy::Link {
  Link(int client, int target) : client(client), target(target) {}
  ~Link() {
    close(client);
    close(target);
  }
  void ShutDown() const {
    shutdown(client, SHUT_RDWR);
    shutdown(target, SHUT_RDWR);
  }
  const int client;
  const int target;
};

absl::StatusOr<std::unique_ptr<CuttingProxy>> CuttingProxy::Start(
    int target_port, int64_t cut_after_bytes) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return SocketError("socket");
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
          0 ||
      listen(listener, 16) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    absl::Status error = SocketError("bind/listen");
    close(listener);
    return error;
  }
  return std::unique_ptr<CuttingProxy>(new CuttingProxy(
      listener, ntohs(address.sin_port), target_port, cut_after_bytes));
}

CuttingProxy::CuttingProxy(int listener, int port, int target_port,
                           int64_t cut_after_bytes)
    : listener_(listener),
      port_(port),
      target_port_(target_port),
      cut_after_(cut_after_bytes),
      acceptor_([this] { Accept(); }) {}

CuttingProxy::~CuttingProxy() {
  std::vector<std::thread> pumps;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (const std::shared_ptr<Link>& link : links_) link->ShutDown();
  }
  // Wakes the blocked accept.
  shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  {
    absl::MutexLock lock(&mu_);
    pumps.swap(pumps_);
    links_.clear();
  }
  for (std::thread& pump : pumps) pump.join();
  close(listener_);
}

bool CuttingProxy::cut() const {
  absl::MutexLock lock(&mu_);
  return cut_;
}

bool CuttingProxy::WaitForCut(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&cut_), timeout);
}

int CuttingProxy::connections() const {
  absl::MutexLock lock(&mu_);
  return connections_;
}

void CuttingProxy::Accept() {
  while (true) {
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR) continue;
      return;  // Shut down.
    }
    const int target = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in address = Loopback(target_port_);
    if (target < 0 ||
        connect(target, reinterpret_cast<const sockaddr*>(&address),
                sizeof(address)) != 0) {
      close(client);
      if (target >= 0) close(target);
      continue;
    }
    auto link = std::make_shared<Link>(client, target);
    absl::MutexLock lock(&mu_);
    if (stopping_) return;  // `link` closes both.
    ++connections_;
    links_.push_back(link);
    pumps_.emplace_back([this, link] { Pump(link, /*upstream=*/true); });
    pumps_.emplace_back([this, link] { Pump(link, /*upstream=*/false); });
  }
}

int64_t CuttingProxy::Allow(int64_t n, bool& cut_now) {
  absl::MutexLock lock(&mu_);
  cut_now = false;
  if (cut_) return n;
  const int64_t allowed = std::min(n, cut_after_ - upstream_bytes_);
  upstream_bytes_ += allowed;
  if (upstream_bytes_ >= cut_after_) {
    cut_ = true;
    cut_now = true;
  }
  return allowed;
}

void CuttingProxy::Pump(std::shared_ptr<Link> link, bool upstream) {
  const int from = upstream ? link->client : link->target;
  const int to = upstream ? link->target : link->client;
  std::string buffer(64 << 10, '\0');
  while (true) {
    const ssize_t got = recv(from, buffer.data(), buffer.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      // One side is done sending: so is the relay to the other.
      shutdown(to, SHUT_WR);
      return;
    }
    bool cut_now = false;
    const int64_t allowed = upstream ? Allow(got, cut_now) : got;
    const bool written =
        WriteAll(to, buffer.data(), static_cast<size_t>(allowed));
    if (cut_now || !written) {
      link->ShutDown();
      return;
    }
  }
}

}  // namespace handin::testing
