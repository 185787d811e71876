#ifndef HANDIN_COMMON_SERVER_FLAGS_H_
#define HANDIN_COMMON_SERVER_FLAGS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/access_policy.h"
#include "common/call_authenticator.h"
#include "common/server_runner.h"
#include "common/tls.h"

namespace handin {

// The command-line flags every handin server shares, defined once here:
//   --listen, --port_file, --shutdown_grace, --max_message_bytes,
//   --stream_window_bytes, --metrics_listen, --metrics_port_file,
//   --health_listen,
//   --tls_cert, --tls_key, --tls_ca, --mtls, --insecure,
//   --token_key, --service_token.

// Returns the server options from the flags; `default_listen` is used when
// --listen is not given. `authenticator` guards every call.
ServerOptions ServerOptionsFromFlags(
    const std::string& default_listen,
    std::shared_ptr<CallAuthenticator> authenticator);

// Returns the authenticator that enforces `policy` with tokens verified
// against --token_key and the system clock. InvalidArgument naming the flag
// or file when the key is missing or not a P-256 public key.
absl::StatusOr<std::shared_ptr<CallAuthenticator>> AuthenticatorFromFlags(
    AccessPolicy policy);

// Returns a channel to another handin service at `address`: mutual TLS as
// PeerChannelOptionsFromFlags says, every call carrying this server's own
// token from --service_token. InvalidArgument naming the flag or file when
// either cannot be used.
absl::StatusOr<std::shared_ptr<grpc::Channel>> PeerChannelFromFlags(
    const std::string& address);

// Returns how this server calls other handin services: it verifies them
// against --tls_ca and presents its own --tls_cert/--tls_key (mutual TLS).
ChannelTlsOptions PeerChannelOptionsFromFlags();

// glibc malloc arenas a server uses unless MALLOC_ARENA_MAX says otherwise.
// glibc's default (8 per core) let intake's and storage's many threads each
// keep freed buffers in an arena of their own: 288-290 MiB of peak RSS in
// the mixed deadline rush against 239-240 MiB with 2, at no measurable cost
// in submissions/s (docs/benchmarks.md).
inline constexpr int kServerMallocArenas = 2;

// ParseFlags (common/flags.h) for servers; also turns off Abseil's mutex
// deadlock detection, which Debian's libabsl builds in (it is not built
// with NDEBUG) and which cost each service ~3 % of its CPU in the
// deadline-rush benchmark (docs/benchmarks.md), and caps malloc arenas at
// kServerMallocArenas. Tests keep both defaults.
std::vector<char*> ParseServerFlags(int argc, char** argv,
                                    const std::string& usage);

}  // namespace handin

#endif  // HANDIN_COMMON_SERVER_FLAGS_H_
