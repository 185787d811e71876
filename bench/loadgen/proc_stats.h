#ifndef HANDIN_BENCH_LOADGEN_PROC_STATS_H_
#define HANDIN_BENCH_LOADGEN_PROC_STATS_H_

// What /proc says about a process and the machine: peak resident memory
// and CPU time, read before and after a run. Linux only.

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "absl/status/status.h"

namespace handin::bench {

// Resets the peak resident set size (VmHWM) of `pid` to its current one
// (writes "5" to /proc/<pid>/clear_refs), so a later read gives the peak
// of what came in between. Needs to own the process (or root).
absl::Status ResetPeakRss(pid_t pid);

// VmHWM of `pid` in KiB, or nullopt if the process is gone.
std::optional<int64_t> PeakRssKib(pid_t pid);

// VmRSS (resident now) of `pid` in KiB, or nullopt if the process is gone.
std::optional<int64_t> RssKib(pid_t pid);

// User plus system CPU seconds `pid` has used (all its threads), with
// those of its children it has waited for (intake's content inspectors),
// or nullopt if the process is gone.
std::optional<double> CpuSeconds(pid_t pid);

// The machine's CPU time so far, all cores, in seconds.
struct MachineCpu {
  // Time not idle (iowait counts as idle).
  double busy = 0;
  double total = 0;
};
MachineCpu ReadMachineCpu();

}  // namespace handin::bench

#endif  // HANDIN_BENCH_LOADGEN_PROC_STATS_H_
