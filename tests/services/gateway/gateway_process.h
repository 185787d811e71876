#ifndef HANDIN_TESTS_SERVICES_GATEWAY_GATEWAY_PROCESS_H_
#define HANDIN_TESTS_SERVICES_GATEWAY_GATEWAY_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "httplib.h"
#include "tests/integration/cluster.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {

// The real handin-gateway binary in front of a running Cluster's grading
// and deadline services, started as scripts/up starts it: HTTPS with the
// cluster's certificate, mutual TLS to the services, the cluster's token
// key, on an ephemeral loopback port (and /metrics on another).
class GatewayProcess {
 public:
  // Starts it with `extra_flags` after its own (so a repeated flag wins)
  // and waits until it answers GET /healthz. InternalError with the end of
  // its log if it exits or does not answer within 30 s.
  static absl::StatusOr<std::unique_ptr<GatewayProcess>> Start(
      const Cluster& cluster, const std::vector<std::string>& extra_flags = {});

  int port() const { return port_; }
  // The port of its GET /metrics (plain HTTP on 127.0.0.1, ephemeral).
  int metrics_port() const { return metrics_port_; }
  // "https://localhost:<port>" (the certificate names localhost).
  std::string Url() const;
  // A client that verifies the gateway against the cluster's CA.
  std::unique_ptr<httplib::SSLClient> Client() const;
  // Sends SIGTERM and returns the exit code (DeadlineExceeded after 15 s).
  absl::StatusOr<int> Stop();
  // The end of its log, for failure messages.
  std::string LogTail() const;

 private:
  GatewayProcess(const Cluster& cluster) : cluster_(cluster) {}

  const Cluster& cluster_;
  TempDir dir_;
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
  int metrics_port_ = 0;
};

}  // namespace handin::testing

#endif  // HANDIN_TESTS_SERVICES_GATEWAY_GATEWAY_PROCESS_H_
