#ifndef HANDIN_TESTS_TESTING_CUTTING_PROXY_H_
#define HANDIN_TESTS_TESTING_CUTTING_PROXY_H_

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace handin::testing {

// A loopback TCP proxy that drops a connection on purpose, to test what
// clients and servers do when one breaks mid-stream. It listens on
// 127.0.0.1 (an ephemeral port) and relays every connection, in both
// directions and byte for byte (TLS passes through untouched), to
// 127.0.0.1:`target_port`. Once, when the bytes sent from clients to the
// target (counted over every connection) reach `cut_after_bytes`, it
// forwards exactly that many and then shuts down both sockets of the
// connection that reached the count: the client and the target each see
// the connection end. Later connections are relayed whole. Real sockets,
// an accepting thread and two threads per connection. Thread-safe.
class CuttingProxy {
 public:
  // Starts listening. Internal naming the call that failed.
  static absl::StatusOr<std::unique_ptr<CuttingProxy>> Start(
      int target_port, int64_t cut_after_bytes);
  // Closes every socket and joins every thread.
  ~CuttingProxy();
  CuttingProxy(const CuttingProxy&) = delete;
  CuttingProxy& operator=(const CuttingProxy&) = delete;

  // The port it listens on.
  int port() const { return port_; }
  // Whether the cut has happened.
  bool cut() const;
  // Waits up to `timeout` for the cut; returns cut().
  bool WaitForCut(absl::Duration timeout) const;
  // Connections accepted so far.
  int connections() const;

 private:
  struct Link;

  CuttingProxy(int listener, int port, int target_port,
               int64_t cut_after_bytes);
  void Accept();
  // Copies `from` to `to` until either ends; counts and may cut when
  // `upstream` (client to target).
  void Pump(std::shared_ptr<Link> link, bool upstream);
  // How many of `n` upstream bytes may be forwarded before the cut; sets
  // `cut_now` when they reach it.
  int64_t Allow(int64_t n, bool& cut_now);

  const int listener_;
  const int port_;
  const int target_port_;
  const int64_t cut_after_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool cut_ ABSL_GUARDED_BY(mu_) = false;
  int64_t upstream_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int connections_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<Link>> links_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mu_);
  std::thread acceptor_;
};

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_CUTTING_PROXY_H_
