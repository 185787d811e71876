#ifndef HANDIN_COMMON_HEALTH_PROBE_H_
#define HANDIN_COMMON_HEALTH_PROBE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"

namespace handin {

// A plaintext gRPC server that answers grpc.health.v1 and nothing else:
// every other method (handin services, server reflection) is UNIMPLEMENTED,
// and no call is authenticated. It exists for the kubelet's native gRPC
// probes, which cannot speak TLS; StartServer runs one beside a server when
// ServerOptions::health_listen is set and keeps its statuses equal to the
// server's. Health reveals only SERVING or NOT_SERVING for service names
// the caller already knows, which the server's own health service tells
// anyone too.
class HealthProbeServer {
 public:
  // Starts the probe server on `address` ("host:port", port 0 picks a free
  // one); it reports "" SERVING (gRPC's default) until told otherwise.
  // FailedPrecondition naming the address if it cannot be bound. Needs
  // grpc::EnableDefaultHealthCheckService(true) to have been called.
  static absl::StatusOr<std::unique_ptr<HealthProbeServer>> Start(
      const std::string& address);

  // Shuts down at once if Shutdown was not called.
  ~HealthProbeServer();

  HealthProbeServer(const HealthProbeServer&) = delete;
  HealthProbeServer& operator=(const HealthProbeServer&) = delete;

  // The port actually bound.
  int port() const { return port_; }

  // Where statuses are set; the same interface as the main server's.
  grpc::HealthCheckServiceInterface& health() {
    return *server_->GetHealthCheckService();
  }

  // Stops answering, cancelling calls in flight (probes are short).
  void Shutdown();

 private:
  HealthProbeServer() = default;

  // Answers every method the server has no handler for UNIMPLEMENTED.
  // Declared before server_, so it outlives it.
  grpc::CallbackGenericService unimplemented_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace handin

#endif  // HANDIN_COMMON_HEALTH_PROBE_H_
