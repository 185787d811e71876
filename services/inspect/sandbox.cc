#include "services/inspect/sandbox.h"

#include <signal.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "services/inspect/byte_size.h"
#include "services/inspect/confined_process.h"

namespace handin::inspect {
namespace {

using v1::InspectionReport;

// Appended to refusals that are the inspector's failure rather than a rule
// the student broke, so they know what to do.
constexpr absl::string_view kIfValid =
    "; if the file opens normally on your computer, re-save it and try "
    "again, or ask the course staff";

InspectionReport Refusal(absl::string_view why) {
  InspectionReport report;
  report.set_accepted(false);
  report.set_refusal(absl::StrCat(why, kIfValid));
  return report;
}

std::string OneLineRule(const deadline::v1::ContentRule& rule) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::string text;
  printer.PrintToString(rule, &text);
  return std::string(absl::StripTrailingAsciiWhitespace(text));
}

int64_t WholeSecondsUp(absl::Duration duration) {
  return std::max<int64_t>(
      1, absl::ToInt64Seconds(absl::Ceil(duration, absl::Seconds(1))));
}

// The report the child printed, or a refusal if it is not one.
InspectionReport ParseReport(const std::string& out) {
  InspectionReport report;
  if (!google::protobuf::TextFormat::ParseFromString(out, &report) ||
      report.accepted() == !report.refusal().empty()) {
    return Refusal("the inspector's report on this file could not be read");
  }
  return report;
}

}  // namespace

std::vector<std::string> InspectorCommand(const std::string& inspector_path,
                                          const std::string& path,
                                          const deadline::v1::ContentRule& rule,
                                          const Limits& limits) {
  return {inspector_path,
          absl::StrCat("--rule=", OneLineRule(rule)),
          absl::StrCat("--max_file_bytes=", limits.max_file_bytes),
          absl::StrCat("--max_entries=", limits.max_entries),
          absl::StrCat("--max_inflated_bytes=", limits.max_inflated_bytes),
          absl::StrCat("--max_inflation_ratio=", limits.max_inflation_ratio),
          absl::StrCat("--ratio_applies_above_bytes=",
                       limits.ratio_applies_above_bytes),
          absl::StrCat("--max_archive_depth=", limits.max_archive_depth),
          "--",
          path};
}

absl::StatusOr<InspectionReport> RunSandboxedInspection(
    const std::string& path, const deadline::v1::ContentRule& rule,
    const Limits& limits, const SandboxOptions& options) {
  if (options.inspector_path.empty()) {
    return absl::FailedPreconditionError(
        "no inspector binary configured (SandboxOptions.inspector_path)");
  }
  ConfinedCommand command;
  command.argv = InspectorCommand(options.inspector_path, path, rule, limits);
  command.timeout = options.timeout;
  command.cpu_seconds = WholeSecondsUp(options.cpu_time);
  command.memory_bytes = options.memory_bytes;
  command.max_stdout_bytes = options.max_output_bytes;
  absl::StatusOr<ConfinedOutcome> outcome = RunConfined(command);
  if (!outcome.ok()) return outcome.status();

  if (outcome->timed_out) {
    return Refusal(absl::StrCat("the file could not be inspected within ",
                                absl::FormatDuration(options.timeout)));
  }
  if (outcome->stdout_overflow) {
    return Refusal(absl::StrCat("inspecting the file produced more than ",
                                HumanBytes(options.max_output_bytes),
                                " of report"));
  }
  // RLIMIT_CPU sends SIGXCPU at the soft limit, SIGKILL at the hard one;
  // the kernel's out-of-memory killer sends SIGKILL too.
  if (outcome->signal == SIGXCPU) {
    return Refusal(absl::StrCat("the file could not be inspected within ",
                                command.cpu_seconds, "s of processor time"));
  }
  if (outcome->signal == SIGKILL) {
    return Refusal(
        "the inspector was stopped while inspecting the file (out of "
        "processor time or memory)");
  }
  if (outcome->signal != 0) {
    const char* name = sigdescr_np(outcome->signal);  // thread-safe
    return Refusal(absl::StrCat("the inspector crashed on this file (",
                                name == nullptr ? "signal" : name, ", ",
                                outcome->signal, ")"));
  }
  switch (outcome->exit_code) {
    case kInspectorExitReport:
      return ParseReport(outcome->out);
    case kInspectorExitOutOfMemory:
      return Refusal(absl::StrCat("inspecting the file needed more than ",
                                  HumanBytes(options.memory_bytes),
                                  " of memory"));
    case kInspectorExitCouldNotRun:
    case kInspectorExitUsage:
      return absl::InternalError(absl::StrCat(
          options.inspector_path, " could not run (exit ", outcome->exit_code,
          "): ", absl::StripTrailingAsciiWhitespace(outcome->err)));
    default:
      return Refusal(absl::StrCat("the inspector failed on this file (exit ",
                                  outcome->exit_code, ")"));
  }
}

}  // namespace handin::inspect
