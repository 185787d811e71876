// Fuzzes the whole content check an upload goes through (Inspect): size,
// media type by libmagic, the UTF-8 text check, PDF pages, the zip walk and
// the README and required-files rules. Any file must give a report or a
// documented error, never crash, throw, leak or hit undefined behaviour.
//
// Input: the bytes of an uploaded file (corpus/inspect/ and the zip and PDF
// corpora).

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "fuzz/input_file.h"
#include "handin/deadline/v1/policy.pb.h"
#include "services/inspect/inspector.h"

namespace {

// A rule that lets every check run: any media type, a page range, and the
// zip rules.
handin::deadline::v1::ContentRule FuzzRule() {
  handin::deadline::v1::ContentRule rule;
  rule.set_max_size_bytes(1 << 20);
  rule.set_min_pages(1);
  rule.set_max_pages(20);
  rule.set_require_readme(true);
  rule.add_required_files("src/");
  rule.add_required_files("Makefile");
  return rule;
}

handin::inspect::Limits FuzzLimits() {
  handin::inspect::Limits limits;
  limits.max_entries = 256;
  limits.max_inflated_bytes = int64_t{4} << 20;
  limits.ratio_applies_above_bytes = int64_t{256} << 10;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* const rule =
      new handin::deadline::v1::ContentRule(FuzzRule());
  static const handin::inspect::Limits limits = FuzzLimits();
  handin::fuzz::InputFile& file = handin::fuzz::InputFile::Get();
  file.Write(data, size);
  absl::StatusOr<handin::inspect::v1::InspectionReport> report =
      handin::inspect::Inspect(file.path(), *rule, limits);
  // The file exists and is readable: only running out of memory may keep
  // it from being judged.
  if (!report.ok() &&
      report.status().code() != absl::StatusCode::kResourceExhausted) {
    std::abort();
  }
  return 0;
}
