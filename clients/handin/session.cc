#include "clients/handin/session.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/handin/errors.h"
#include "common/request_id.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"

namespace handin::client {

absl::StatusOr<std::unique_ptr<intake::v1::IntakeService::StubInterface>>
MakeIntakeStub(const GlobalOptions& options) {
  ChannelTlsOptions tls;
  tls.ca_file = options.ca_file;
  tls.insecure = options.insecure;
  auto credentials = MakeChannelCredentials(tls);
  if (!credentials.ok()) return credentials.status();
  return std::unique_ptr<intake::v1::IntakeService::StubInterface>(
      intake::v1::IntakeService::NewStub(
          CreateTokenChannel(options.server, *credentials, options.token)));
}

std::string DefaultConfigPath() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return absl::StrCat(xdg, "/handin/config.toml");
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return absl::StrCat(home, "/.config/handin/config.toml");
  }
  return "";
}

absl::Status CheckIdentity(const GlobalOptions& options) {
  if (options.token.empty()) {
    return absl::InvalidArgumentError(
        "no token; pass --token, set HANDIN_TOKEN, or put token = \"...\" in "
        "the config file (course staff issue tokens)");
  }
  if (options.course.empty()) {
    return absl::InvalidArgumentError(
        "no course; pass --course or set HANDIN_COURSE");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<intake::v1::IntakeService::StubInterface>>
OpenIntake(const GlobalOptions& options) {
  if (absl::Status identity = CheckIdentity(options); !identity.ok()) {
    return identity;
  }
  return MakeIntakeStub(options);
}

void PrepareContext(grpc::ClientContext& context,
                    const GlobalOptions& options) {
  context.set_wait_for_ready(false);
  if (!options.request_id.empty()) {
    AttachRequestId(context, options.request_id);
  }
}

std::string RequestIdNote(const GlobalOptions& options) {
  if (options.request_id.empty()) return "";
  return absl::StrCat(" (request id ", options.request_id, ")");
}

int LocalFailure(Console& console, absl::string_view message) {
  console.err << "handin: " << message << "\n";
  return kExitLocalError;
}

int ServerFailure(Console& console, const grpc::Status& status,
                  const GlobalOptions& options) {
  console.err << "handin: " << DescribeRpcError(status, options.server)
              << RequestIdNote(options) << "\n";
  return kExitServerError;
}

}  // namespace handin::client
