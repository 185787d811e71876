#include "clients/handin/commands.h"

#include <istream>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "clients/handin/errors.h"
#include "clients/handin/file_upload.h"
#include "clients/handin/progress.h"
#include "clients/handin/receipt.h"
#include "clients/handin/receipt_verify.h"
#include "clients/handin/upload_resume.h"

namespace handin::client {
namespace {

using ::handin::common::v1::Verdict;

// What the student decided about a submission the check warned about.
enum class Decision { kSubmit, kStop };

// Describes what a late verdict means for the warning line.
std::string LateConsequence(const Verdict& verdict) {
  switch (verdict.kind()) {
    case common::v1::VERDICT_KIND_LATE_COUNTED:
      if (verdict.penalty_percent() > 0) {
        return absl::StrFormat("late and counted with a %g%% penalty",
                               verdict.penalty_percent());
      }
      return "late and counted";
    case common::v1::VERDICT_KIND_LATE_NOT_COUNTED:
      return "late and NOT counted";
    default:
      return absl::StrCat("judged \"", VerdictLabel(verdict), "\"");
  }
}

// Asks intake what an upload started now would get and, unless it is on
// time, warns and asks. Returns the exit code when the upload must not go
// ahead, nullopt when it may.
std::optional<int> CheckBeforeUpload(
    intake::v1::IntakeService::StubInterface& stub,
    const GlobalOptions& options, const SubmitOptions& submit,
    Console& console) {
  intake::v1::CheckSubmissionRequest request;
  request.set_course_id(options.course);
  request.set_item_id(submit.item_id);
  deadline::v1::WhatIfResponse response;
  const grpc::Status status = CallIntake(
      stub, &intake::v1::IntakeService::StubInterface::CheckSubmission, options,
      request, &response);
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    console.err << "handin: intake at " << options.server
                << " cannot check deadlines (is it older than this handin? "
                   "check --server); nothing was uploaded\n";
    return kExitServerError;
  }
  if (!status.ok()) return ServerFailure(console, status, options);

  const Verdict& verdict = response.verdict();
  if (verdict.kind() == common::v1::VERDICT_KIND_ON_TIME) return std::nullopt;
  if (verdict.kind() == common::v1::VERDICT_KIND_REFUSED) {
    console.err << "handin: intake would refuse this submission: "
                << verdict.reason() << "; nothing was uploaded\n";
    return kExitServerError;
  }
  console.err << "handin: warning: this submission would be "
              << LateConsequence(verdict) << ": " << verdict.reason() << "\n";
  if (submit.assume_yes) return std::nullopt;
  if (!console.interactive || console.in == nullptr) {
    return LocalFailure(console,
                        "not submitting without confirmation; pass --yes to "
                        "submit anyway");
  }
  console.err << "Submit anyway? [y/N] " << std::flush;
  std::string answer;
  std::getline(*console.in, answer);
  answer = absl::AsciiStrToLower(absl::StripAsciiWhitespace(answer));
  if (answer == "y" || answer == "yes") return std::nullopt;
  return LocalFailure(console, "not submitted; nothing was uploaded");
}

// One upload of `file` to `target` from `offset`, with a progress bar
// (continuing from `offset`) when the console wants one.
UploadOutcome UploadOnce(intake::v1::IntakeService::StubInterface& stub,
                         const GlobalOptions& options, const LocalFile& file,
                         const UploadTarget& target, int64_t offset,
                         const Clock& clock, Console& console) {
  grpc::ClientContext context;
  PrepareContext(context, options);
  std::optional<ProgressBar> bar;
  if (console.progress) {
    bar.emplace(console.err, file.size_bytes, clock, offset);
  }
  UploadOutcome outcome =
      UploadFile(stub, context, file, target, offset, [&bar](int64_t sent) {
        if (bar.has_value()) bar->Update(sent);
      });
  if (bar.has_value()) {
    if (outcome.local.ok() && outcome.rpc.ok()) {
      bar->Done();
    } else {
      console.err << "\n";  // Leave the bar where it stopped.
    }
  }
  return outcome;
}

// After `outcome`'s upload lost its connection: waits the backoff `delay`
// (doubled each time), asks intake how much of the upload it holds, and
// returns the offset to upload from, saying on `err` when that is a resume.
// Asks again while intake cannot be reached, each time counting an
// `attempt` of `submit.attempts`; when they run out, returns nullopt with
// the last failure in `outcome.rpc`.
std::optional<int64_t> AskWhereToResume(
    intake::v1::IntakeService::StubInterface& stub,
    const GlobalOptions& options, const SubmitOptions& submit,
    const LocalFile& file, const UploadTarget& target, UploadOutcome& outcome,
    int& attempt, absl::Duration& delay, Console& console) {
  std::string failure =
      DescribeLostUpload(outcome.rpc, options.server, outcome.sent);
  while (attempt < submit.attempts) {
    ++attempt;
    console.err << "handin: " << failure << "; trying again in "
                << absl::FormatDuration(delay) << " (attempt " << attempt
                << " of " << submit.attempts << ", same idempotency key)\n";
    absl::SleepFor(delay);
    delay *= 2;
    intake::v1::QueryWriteStatusRequest request;
    request.set_course_id(target.course_id);
    request.set_idempotency_key(target.idempotency_key);
    intake::v1::QueryWriteStatusResponse held;
    const grpc::Status query = CallIntake(
        stub, &intake::v1::IntakeService::StubInterface::QueryWriteStatus,
        options, request, &held);
    const ResumePoint point = ResumePointFrom(query, held, file.size_bytes);
    if (point.ask_again) {
      outcome.rpc = query;
      outcome.sent = 0;  // The last failure is the ask's, not the upload's.
      failure = DescribeRpcError(query, options.server);
      continue;
    }
    if (point.offset > 0 && !held.complete()) {
      console.err << "handin: connection lost; resuming at "
                  << FormatBytes(point.offset) << " of "
                  << FormatBytes(file.size_bytes) << "\n";
    }
    return point.offset;
  }
  return std::nullopt;
}

// Saves the signed receipt of `response` in `dir` and says where.
void SaveReceipt(const intake::v1::UploadResponse& response,
                 const std::string& dir, Console& console) {
  if (!response.has_receipt()) {
    console.err << "handin: intake issued no signed receipt (it runs without "
                   "a receipt key); the record above is your receipt\n";
    return;
  }
  const std::string path =
      absl::StrCat(dir, "/", ReceiptFileName(response.submission()));
  if (absl::Status saved = WriteReceiptFile(response.receipt(), path);
      !saved.ok()) {
    console.err << "handin: warning: " << saved.message()
                << "; your submission is stored all the same\n";
    return;
  }
  console.out << "signed receipt (key " << response.receipt().key_id()
              << ") saved to " << path << "\n";
}

}  // namespace

int RunSubmit(const GlobalOptions& options, const SubmitOptions& submit,
              const Clock& clock, Console console) {
  if (absl::Status identity = CheckIdentity(options); !identity.ok()) {
    return LocalFailure(console, identity.message());
  }
  if (submit.item_id.empty()) {
    return LocalFailure(console, "no item; pass --item, e.g. project-report");
  }
  absl::StatusOr<LocalFile> file = InspectFile(submit.file_path);
  if (!file.ok()) return LocalFailure(console, file.status().message());
  absl::StatusOr<std::string> key = NewIdempotencyKey();
  if (!key.ok()) return LocalFailure(console, key.status().message());
  auto stub = MakeIntakeStub(options);
  if (!stub.ok()) return LocalFailure(console, stub.status().message());
  if (std::optional<int> stop =
          CheckBeforeUpload(**stub, options, submit, console);
      stop.has_value()) {
    return *stop;
  }

  const UploadTarget target{options.course, submit.item_id, *std::move(key)};
  UploadOutcome outcome;
  absl::Duration delay = submit.retry_delay;
  int64_t offset = 0;
  bool started_again = false;
  for (int attempt = 1;;) {
    outcome =
        UploadOnce(**stub, options, *file, target, offset, clock, console);
    if (!outcome.local.ok()) {
      return LocalFailure(console, outcome.local.message());
    }
    if (outcome.rpc.ok()) break;
    if (!started_again && ShouldStartAgain(outcome.rpc, offset)) {
      started_again = true;
      offset = 0;
      console.err << "handin: intake cannot resume this upload ("
                  << outcome.rpc.error_message()
                  << "); sending it again from the start\n";
      continue;
    }
    if (!LostConnection(outcome.rpc)) break;
    const std::optional<int64_t> resume_at =
        AskWhereToResume(**stub, options, submit, *file, target, outcome,
                         attempt, delay, console);
    if (!resume_at.has_value()) break;
    offset = *resume_at;
  }
  if (!outcome.rpc.ok()) {
    // What a closed socket means after bytes went out is not a set-up
    // problem, which is how DescribeRpcError reads it.
    console.err << "handin: "
                << DescribeLostUpload(outcome.rpc, options.server, outcome.sent)
                << RequestIdNote(options) << "\n";
    return kExitServerError;
  }
  if (outcome.response.replayed()) {
    console.err << "handin: an earlier attempt of this upload was already "
                   "stored; this is its receipt\n";
  }
  console.out << FormatReceipt(outcome.response.submission());
  SaveReceipt(outcome.response, submit.receipt_dir, console);
  return kExitOk;
}

std::string ReceiptFileName(const common::v1::SubmissionRecord& record) {
  return absl::StrCat("handin-receipt-", record.course_id(), "-",
                      absl::StrReplaceAll(record.item_id(), {{"/", "_"}}), "-",
                      record.submission_id(), ".txtpb");
}

int RunStatus(const GlobalOptions& options, Console console) {
  auto stub = OpenIntake(options);
  if (!stub.ok()) return LocalFailure(console, stub.status().message());
  intake::v1::ListMySubmissionsRequest request;
  request.set_course_id(options.course);
  intake::v1::ListMySubmissionsResponse response;
  const grpc::Status status = CallIntake(
      **stub, &intake::v1::IntakeService::StubInterface::ListMySubmissions,
      options, request, &response);
  if (!status.ok()) return ServerFailure(console, status, options);
  console.out << FormatStatusTable(response.submissions());
  if (!response.refused().empty()) {
    console.out << "\n" << FormatRefusedTable(response.refused());
  }
  return kExitOk;
}

}  // namespace handin::client
