#include "common/health_probe.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace handin {
namespace {

// Drops every ServerBuilder plugin from the builder it is set on. Once any
// server of the process enables reflection, its plugin is added to every
// ServerBuilder; the probe server must not serve reflection.
class NoPlugins final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->clear();
  }
};

// A health request is a service name; anything larger is refused before
// the health service reads it.
constexpr int kMaxReceiveMessageBytes = 4096;

}  // namespace

absl::StatusOr<std::unique_ptr<HealthProbeServer>> HealthProbeServer::Start(
    const std::string& address) {
  std::unique_ptr<HealthProbeServer> probe(new HealthProbeServer());
  grpc::ServerBuilder builder;
  builder.SetOption(std::make_unique<NoPlugins>());
  // As for the main server: no second process silently sharing the port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(),
                           &probe->port_);
  // Also what gives gRPC a polled queue: the default health service is
  // only added once the server starts, and a server with no handler of
  // its own refuses to build.
  builder.RegisterCallbackGenericService(&probe->unimplemented_);
  probe->server_ = builder.BuildAndStart();
  if (probe->server_ == nullptr || probe->port_ == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot listen on ", address,
        " for health probes (--health_listen; address in use, or not an "
        "address of this machine?)"));
  }
  return probe;
}

HealthProbeServer::~HealthProbeServer() {
  if (server_ != nullptr) Shutdown();
}

void HealthProbeServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
  server_->Wait();
}

}  // namespace handin
