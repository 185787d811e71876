#include "clients/handin/commands.h"

#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/handin/errors.h"
#include "clients/handin/file_upload.h"
#include "clients/handin/progress.h"
#include "clients/handin/receipt.h"
#include "common/caller.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"

namespace handin::client {
namespace {

int LocalFailure(Console& console, absl::string_view message) {
  console.err << "handin: " << message << "\n";
  return kExitLocalError;
}

int ServerFailure(Console& console, const grpc::Status& status,
                  const GlobalOptions& options) {
  console.err << "handin: " << DescribeRpcError(status, options.server) << "\n";
  return kExitServerError;
}

// Returns OK if the options name a usable user and course.
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

}  // namespace

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

int RunSubmit(const GlobalOptions& options, const std::string& item_id,
              const std::string& file_path, const Clock& clock,
              Console console) {
  if (absl::Status identity = CheckIdentity(options); !identity.ok()) {
    return LocalFailure(console, identity.message());
  }
  if (item_id.empty()) {
    return LocalFailure(console, "no item; pass --item, e.g. project-report");
  }
  absl::StatusOr<LocalFile> file = InspectFile(file_path);
  if (!file.ok()) return LocalFailure(console, file.status().message());
  absl::StatusOr<std::string> key = NewIdempotencyKey();
  if (!key.ok()) return LocalFailure(console, key.status().message());
  auto stub = MakeIntakeStub(options);
  if (!stub.ok()) return LocalFailure(console, stub.status().message());

  grpc::ClientContext context;
  AttachCaller(context, options.user);
  // Fail at once if intake cannot be reached rather than waiting for it.
  context.set_wait_for_ready(false);

  std::optional<ProgressBar> bar;
  if (console.progress) bar.emplace(console.err, file->size_bytes, clock);
  UploadTarget target{options.course, item_id, *std::move(key)};
  UploadOutcome outcome =
      UploadFile(**stub, context, *file, target, [&bar](int64_t sent) {
        if (bar.has_value()) bar->Update(sent);
      });
  if (bar.has_value()) {
    if (outcome.local.ok() && outcome.rpc.ok()) {
      bar->Done();
    } else {
      console.err << "\n";  // Leave the bar where it stopped.
    }
  }
  if (!outcome.local.ok()) {
    return LocalFailure(console, outcome.local.message());
  }
  if (!outcome.rpc.ok()) return ServerFailure(console, outcome.rpc, options);
  console.out << FormatReceipt(outcome.response.submission());
  return kExitOk;
}

int RunStatus(const GlobalOptions& options, Console console) {
  if (absl::Status identity = CheckIdentity(options); !identity.ok()) {
    return LocalFailure(console, identity.message());
  }
  auto stub = MakeIntakeStub(options);
  if (!stub.ok()) return LocalFailure(console, stub.status().message());

  grpc::ClientContext context;
  AttachCaller(context, options.user);
  context.set_wait_for_ready(false);
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(kStatusTimeout));
  intake::v1::ListMySubmissionsRequest request;
  request.set_course_id(options.course);
  intake::v1::ListMySubmissionsResponse response;
  const grpc::Status status =
      (*stub)->ListMySubmissions(&context, request, &response);
  if (!status.ok()) return ServerFailure(console, status, options);
  console.out << FormatStatusTable(response.submissions());
  return kExitOk;
}

}  // namespace handin::client
