#include "services/intake/content_check.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/inspect/file_budget.h"
#include "services/intake/upload_rules.h"
#include "spdlog/spdlog.h"

namespace handin::intake {

namespace {

// "17 bytes", or "1.5 MiB (1572864 bytes)" when rounding hides the count.
std::string SizeText(int64_t bytes) {
  if (bytes < 1024) return HumanBytes(bytes);
  return absl::StrCat(HumanBytes(bytes), " (", bytes, " bytes)");
}

}  // namespace

absl::Status CheckDeclaredSize(const deadline::v1::ContentRule& rule,
                               absl::string_view item_id, int64_t declared_size,
                               int64_t max_file_bytes) {
  const int64_t limit = rule.max_size_bytes() > 0
                            ? std::min(rule.max_size_bytes(), max_file_bytes)
                            : max_file_bytes;
  if (declared_size <= limit) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(item_id, ": this file is ", SizeText(declared_size),
                   "; at most ", SizeText(limit), " allowed"));
}

ContentChecker::ContentChecker(inspect::SandboxOptions sandbox,
                               inspect::Limits limits, int max_concurrent)
    : sandbox_(std::move(sandbox)),
      limits_(limits),
      max_concurrent_(std::max(1, max_concurrent)) {}

absl::StatusOr<ContentFindings> ContentChecker::Check(
    const std::string& path, const deadline::v1::ContentRule& rule,
    absl::string_view item_id) {
  {
    absl::MutexLock lock(&mu_);
    const auto free = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return running_ < max_concurrent_;
    };
    mu_.Await(absl::Condition(&free));
    ++running_;
  }
  // A file that cannot be measured gets the base budget; the inspector
  // then reports why it cannot read it.
  std::error_code size_error;
  const auto file_bytes = std::filesystem::file_size(path, size_error);
  const inspect::InspectionBudget budget = inspect::BudgetForFile(
      limits_, sandbox_, size_error ? 0 : static_cast<int64_t>(file_bytes));
  absl::StatusOr<inspect::v1::InspectionReport> report =
      inspect::RunSandboxedInspection(path, rule, budget.limits,
                                      budget.sandbox);
  {
    absl::MutexLock lock(&mu_);
    --running_;
  }
  if (!report.ok()) {
    spdlog::error("event=inspector_failed item={} code={} msg=\"{}\"",
                  std::string(item_id),
                  absl::StatusCodeToString(report.status().code()),
                  std::string(report.status().message()));
    return absl::InternalError(absl::StrCat(
        "the content inspector could not run (", report.status().message(),
        "); nothing was stored, try again later or tell the course staff"));
  }
  if (!report->accepted()) {
    return absl::InvalidArgumentError(
        absl::StrCat(item_id, ": ", report->refusal()));
  }
  ContentFindings findings;
  findings.media_type = report->media_type();
  findings.warnings.assign(report->warnings().begin(),
                           report->warnings().end());
  return findings;
}

}  // namespace handin::intake
