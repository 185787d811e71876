#ifndef HANDIN_SERVICES_INSPECT_FILE_BUDGET_H_
#define HANDIN_SERVICES_INSPECT_FILE_BUDGET_H_

#include <cstdint>

#include "services/inspect/limits.h"
#include "services/inspect/sandbox.h"

namespace handin::inspect {

// Inflated bytes a zip is allowed per byte of the file, on top of the
// service-wide Limits::max_inflated_bytes floor: source code compresses
// about 3-5 times, so a 500 MiB code zip may honestly inflate to 2 GiB.
inline constexpr int64_t kInflatedBytesPerFileByte = 4;

// The slowest rate, in bytes per second of file read plus bytes inflated,
// at which the inspector is assumed to work on a busy 2-core machine
// (zlib alone inflates several hundred MB/s): what each extra byte adds to
// the time limits.
inline constexpr int64_t kWorstInspectionBytesPerSecond = int64_t{64} << 20;

// What one inspection may use.
struct InspectionBudget {
  Limits limits;
  SandboxOptions sandbox;
};

// Returns the budget for inspecting a file of `file_bytes`, grown from the
// service's `limits` and `sandbox` so that a large honest file (a 50-500
// MiB code zip) is judged on its content instead of running out of time:
//  - max_inflated_bytes becomes at least kInflatedBytesPerFileByte times
//    the file (the ratio limit still catches bombs: a bomb's ratio is far
//    above that);
//  - timeout and cpu_time grow by the time to read the file and inflate
//    that many bytes at kWorstInspectionBytesPerSecond (a 1 MiB file adds
//    under 0.1 s; a 500 MiB one about 40 s);
//  - everything else, the memory limit included (the zip walk streams and
//    holds one entry's buffer), is unchanged.
// A negative `file_bytes` counts as 0.
InspectionBudget BudgetForFile(const Limits& limits,
                               const SandboxOptions& sandbox,
                               int64_t file_bytes);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_FILE_BUDGET_H_
