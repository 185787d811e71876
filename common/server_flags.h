#ifndef HANDIN_COMMON_SERVER_FLAGS_H_
#define HANDIN_COMMON_SERVER_FLAGS_H_

#include <string>

#include "common/server_runner.h"
#include "common/tls.h"

namespace handin {

// The command-line flags every handin server shares, defined once here:
//   --listen, --port_file, --shutdown_grace, --max_message_bytes,
//   --stream_window_bytes, --metrics_listen, --metrics_port_file,
//   --tls_cert, --tls_key, --tls_ca, --mtls, --insecure.

// Returns the server options from the flags; `default_listen` is used when
// --listen is not given.
ServerOptions ServerOptionsFromFlags(const std::string& default_listen);

// Returns how this server calls other handin services: it verifies them
// against --tls_ca and presents its own --tls_cert/--tls_key (mutual TLS).
ChannelTlsOptions PeerChannelOptionsFromFlags();

// ParseFlags (common/flags.h) for servers.
std::vector<char*> ParseServerFlags(int argc, char** argv,
                                    const std::string& usage);

}  // namespace handin

#endif  // HANDIN_COMMON_SERVER_FLAGS_H_
