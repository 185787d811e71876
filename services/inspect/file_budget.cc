#include "services/inspect/file_budget.h"

#include <algorithm>
#include <limits>

namespace handin::inspect {
namespace {

// a * b, or the largest int64 when that overflows.
int64_t SaturatingProduct(int64_t a, int64_t b) {
  if (a != 0 && b > std::numeric_limits<int64_t>::max() / a) {
    return std::numeric_limits<int64_t>::max();
  }
  return a * b;
}

}  // namespace

InspectionBudget BudgetForFile(const Limits& limits,
                               const SandboxOptions& sandbox,
                               int64_t file_bytes) {
  file_bytes = std::max<int64_t>(file_bytes, 0);
  InspectionBudget budget{limits, sandbox};
  const int64_t inflated_for_file =
      SaturatingProduct(file_bytes, kInflatedBytesPerFileByte);
  budget.limits.max_inflated_bytes =
      std::max(limits.max_inflated_bytes, inflated_for_file);
  const int64_t work_bytes =
      std::min(std::numeric_limits<int64_t>::max() - file_bytes,
               inflated_for_file) +
      file_bytes;
  const absl::Duration extra =
      absl::Seconds(static_cast<double>(work_bytes) /
                    static_cast<double>(kWorstInspectionBytesPerSecond));
  budget.sandbox.timeout = sandbox.timeout + extra;
  budget.sandbox.cpu_time = sandbox.cpu_time + extra;
  return budget;
}

}  // namespace handin::inspect
