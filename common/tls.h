#ifndef HANDIN_COMMON_TLS_H_
#define HANDIN_COMMON_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace handin {

// How a server authenticates itself and, optionally, its clients.
struct ServerTlsOptions {
  // PEM certificate chain and private key of this server. Required unless
  // `insecure`.
  std::string cert_file;
  std::string key_file;
  // When set, every client must present a certificate signed by this CA
  // (mutual TLS, used between handin services). Empty: clients are not
  // asked for certificates (students and staff authenticate by token).
  std::string client_ca_file;
  // Plaintext, accepted from loopback peers only. Only for explicit local
  // experiments and tests; logged as a warning.
  bool insecure = false;
};

// How a client verifies the server it calls and, optionally, presents
// itself.
struct ChannelTlsOptions {
  // PEM CA bundle that must have signed the server's certificate. Empty: the
  // system's default roots.
  std::string ca_file;
  // Client certificate chain and key for mutual TLS; both or neither.
  std::string cert_file;
  std::string key_file;
  // Plaintext. Only for explicit local experiments.
  bool insecure = false;
};

// Returns credentials for a server. InvalidArgument names the file that is
// missing or unreadable.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsOptions& options);

// Returns credentials for a channel. InvalidArgument names the file that is
// missing or unreadable.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const ChannelTlsOptions& options);

// Returns the whole content of `path`, or NotFound / InvalidArgument saying
// which file could not be read and why.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace handin

#endif  // HANDIN_COMMON_TLS_H_
