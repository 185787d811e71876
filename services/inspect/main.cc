// handin-inspect: judges one file by its bytes against an item's content
// rule and prints the report. Meant to run confined, one file per process
// (RunSandboxedInspection), so a crafted file cannot take a service down.

#include <clocale>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "common/flags.h"
#include "google/protobuf/text_format.h"
#include "services/inspect/inspector.h"
#include "services/inspect/sandbox.h"

namespace {
const handin::inspect::Limits kDefaults;
}  // namespace

ABSL_FLAG(std::string, rule, "",
          "the item's handin.deadline.v1.ContentRule in protobuf text "
          "format, e.g. 'media_types: \"application/pdf\" max_pages: 8'; "
          "empty accepts any file within the limits");
ABSL_FLAG(int64_t, max_file_bytes, kDefaults.max_file_bytes,
          "largest file accepted when the rule sets no max_size_bytes");
ABSL_FLAG(int64_t, max_entries, kDefaults.max_entries,
          "most entries a zip may hold, nested zips' included");
ABSL_FLAG(int64_t, max_inflated_bytes, kDefaults.max_inflated_bytes,
          "most bytes a zip may inflate to, counted as actually inflated");
ABSL_FLAG(int64_t, max_inflation_ratio, kDefaults.max_inflation_ratio,
          "most inflated bytes per byte of the file (0: no ratio check)");
ABSL_FLAG(int64_t, ratio_applies_above_bytes,
          kDefaults.ratio_applies_above_bytes,
          "inflated bytes past which --max_inflation_ratio applies");
ABSL_FLAG(int, max_archive_depth, kDefaults.max_archive_depth,
          "deepest zip nesting inspected (1: the file itself, 2: a zip in "
          "it); deeper is refused");

int main(int argc, char** argv) {
  using handin::inspect::kInspectorExitCouldNotRun;
  using handin::inspect::kInspectorExitOutOfMemory;
  using handin::inspect::kInspectorExitUsage;
  const std::vector<char*> args = handin::ParseFlags(
      argc, argv,
      "judges FILE by its bytes against a content rule and prints a "
      "handin.inspect.v1.InspectionReport in protobuf text format. Exits 0 "
      "with a report whether the file is accepted or refused, 1 if it "
      "could not inspect the file, 2 on bad arguments, 3 if memory ran "
      "out.\n"
      "  handin-inspect [--rule TEXTPROTO] [limit flags] [--] FILE");
  if (args.size() != 2) {
    std::fprintf(stderr, "handin-inspect: expected one FILE, got %zu\n",
                 args.size() - 1);
    return kInspectorExitUsage;
  }
  // libarchive converts entry names through the locale.
  std::setlocale(LC_ALL, "C.UTF-8");

  handin::deadline::v1::ContentRule rule;
  if (!google::protobuf::TextFormat::ParseFromString(absl::GetFlag(FLAGS_rule),
                                                     &rule)) {
    std::fprintf(stderr,
                 "handin-inspect: --rule is not a ContentRule in text "
                 "format\n");
    return kInspectorExitUsage;
  }
  handin::inspect::Limits limits;
  limits.max_file_bytes = absl::GetFlag(FLAGS_max_file_bytes);
  limits.max_entries = absl::GetFlag(FLAGS_max_entries);
  limits.max_inflated_bytes = absl::GetFlag(FLAGS_max_inflated_bytes);
  limits.max_inflation_ratio = absl::GetFlag(FLAGS_max_inflation_ratio);
  limits.ratio_applies_above_bytes =
      absl::GetFlag(FLAGS_ratio_applies_above_bytes);
  limits.max_archive_depth = absl::GetFlag(FLAGS_max_archive_depth);

  try {
    const auto report = handin::inspect::Inspect(args[1], rule, limits);
    if (absl::IsResourceExhausted(report.status())) {
      std::fprintf(stderr, "handin-inspect: %s\n",
                   std::string(report.status().message()).c_str());
      return kInspectorExitOutOfMemory;
    }
    if (!report.ok()) {
      std::fprintf(stderr, "handin-inspect: %s\n",
                   std::string(report.status().message()).c_str());
      return kInspectorExitCouldNotRun;
    }
    std::string text;
    google::protobuf::TextFormat::PrintToString(*report, &text);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : kInspectorExitCouldNotRun;
  } catch (const std::bad_alloc&) {
    std::fputs("handin-inspect: out of memory\n", stderr);
    return kInspectorExitOutOfMemory;
  }
}
