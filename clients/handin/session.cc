#include "clients/handin/session.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/handin/errors.h"
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
          grpc::CreateChannel(options.server, *credentials)));
}

absl::Status CheckIdentity(const GlobalOptions& options) {
  if (options.user.empty()) {
    return absl::InvalidArgumentError(
        "no user id; pass --user UNIQNAME or set HANDIN_USER");
  }
  if (!IsValidUserId(options.user)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", options.user,
        "\" is not a valid user id (lower-case letters, digits, '.', '_' or "
        "'-', at most 64)"));
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
  AttachCaller(context, options.user);
  context.set_wait_for_ready(false);
}

int LocalFailure(Console& console, absl::string_view message) {
  console.err << "handin: " << message << "\n";
  return kExitLocalError;
}

int ServerFailure(Console& console, const grpc::Status& status,
                  const GlobalOptions& options) {
  console.err << "handin: " << DescribeRpcError(status, options.server) << "\n";
  return kExitServerError;
}

}  // namespace handin::client
