#include "common/server_flags.h"

#include <malloc.h>

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/flags.h"
#include "common/tls.h"

ABSL_FLAG(std::string, listen, "",
          "host:port to serve on; port 0 picks a free port (default: the "
          "service's own loopback port)");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port to this file once serving");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "on SIGTERM/SIGINT, how long calls in flight may still run");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain of this server (also presented to the "
          "handin services it calls)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signed the other handin services' certificates");
ABSL_FLAG(bool, mtls, false,
          "require clients to present a certificate signed by --tls_ca "
          "(mutual TLS; for services only other handin services call)");
ABSL_FLAG(int, max_message_bytes,
          handin::ServerOptions().max_receive_message_bytes,
          "largest message a caller may send, in bytes; larger ones fail "
          "RESOURCE_EXHAUSTED (uploads send chunks of at most 1 MiB)");
ABSL_FLAG(int, stream_window_bytes,
          handin::ServerOptions().http2_stream_window_bytes,
          "HTTP/2 flow-control window per call, in bytes: how much a sender "
          "may send ahead of the handler (bounds memory per upload)");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port of the plain-HTTP Prometheus endpoint GET /metrics "
          "(port 0 picks a free one), or none. Default: the service's own "
          "loopback port (127.0.0.1:9451 intake, 9452 deadline, 9453 "
          "storage, 9454 grading), skipped with a warning when taken");
ABSL_FLAG(std::string, metrics_port_file, "",
          "if set, write the bound metrics port to this file once serving");
ABSL_FLAG(std::string, health_listen, "",
          "host:port of a plaintext server answering grpc.health.v1 only "
          "(no other service, no token, no TLS), for the kubelet's native "
          "gRPC probes; port 0 picks a free one. gRPC services only (the "
          "gateway has GET /healthz). Default: empty, off");
ABSL_FLAG(bool, insecure, false,
          "serve and call plaintext instead of TLS (local experiments only; "
          "logged as a warning)");

ABSL_FLAG(std::string, token_key, "",
          "PEM P-256 public key that verifies callers' bearer tokens "
          "(scripts/up makes var/keys/token.pub). Required");
ABSL_FLAG(std::string, service_token, "",
          "file holding this server's own token (role service), presented "
          "on its calls to other handin services (scripts/up makes "
          "var/keys/<service>.token)");

namespace handin {

ServerOptions ServerOptionsFromFlags(
    const std::string& default_listen,
    std::shared_ptr<CallAuthenticator> authenticator) {
  ServerOptions options;
  options.authenticator = std::move(authenticator);
  options.listen_address = absl::GetFlag(FLAGS_listen);
  if (options.listen_address.empty()) options.listen_address = default_listen;
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.metrics_port_file = absl::GetFlag(FLAGS_metrics_port_file);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.http2_stream_window_bytes = absl::GetFlag(FLAGS_stream_window_bytes);
  options.tls.insecure = absl::GetFlag(FLAGS_insecure);
  options.tls.cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls.key_file = absl::GetFlag(FLAGS_tls_key);
  if (absl::GetFlag(FLAGS_mtls)) {
    options.tls.client_ca_file = absl::GetFlag(FLAGS_tls_ca);
  }
  return options;
}

absl::StatusOr<std::shared_ptr<CallAuthenticator>> AuthenticatorFromFlags(
    AccessPolicy policy) {
  const std::string path = absl::GetFlag(FLAGS_token_key);
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--token_key is required: the PEM public key that verifies tokens "
        "(scripts/up makes var/keys/token.pub)");
  }
  absl::StatusOr<std::string> pem = ReadFileToString(path);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<TokenVerifier> verifier =
      TokenVerifier::FromPublicKeyPem(*std::move(pem));
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--token_key ", path, ": ", verifier.status().message()));
  }
  static const SystemClock clock;
  return std::make_shared<CallAuthenticator>(std::move(policy),
                                             *std::move(verifier), clock);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> PeerChannelFromFlags(
    const std::string& address) {
  const std::string path = absl::GetFlag(FLAGS_service_token);
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--service_token is required: the file with this service's token "
        "for the services it calls (scripts/up makes var/keys/"
        "<service>.token)");
  }
  absl::StatusOr<std::string> token = ReadFileToString(path);
  if (!token.ok()) return token.status();
  auto credentials = MakeChannelCredentials(PeerChannelOptionsFromFlags());
  if (!credentials.ok()) return credentials.status();
  return CreateTokenChannel(address, *credentials,
                            std::string(absl::StripAsciiWhitespace(*token)));
}

ChannelTlsOptions PeerChannelOptionsFromFlags() {
  ChannelTlsOptions options;
  options.insecure = absl::GetFlag(FLAGS_insecure);
  options.ca_file = absl::GetFlag(FLAGS_tls_ca);
  options.cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.key_file = absl::GetFlag(FLAGS_tls_key);
  return options;
}

std::vector<char*> ParseServerFlags(int argc, char** argv,
                                    const std::string& usage) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) {
    mallopt(M_ARENA_MAX, kServerMallocArenas);
  }
  return ParseFlags(argc, argv, usage);
}

}  // namespace handin
