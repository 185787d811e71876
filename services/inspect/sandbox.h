#ifndef HANDIN_SERVICES_INSPECT_SANDBOX_H_
#define HANDIN_SERVICES_INSPECT_SANDBOX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handin/deadline/v1/policy.pb.h"
#include "handin/inspect/v1/report.pb.h"
#include "services/inspect/limits.h"

namespace handin::inspect {

// Exit statuses of handin-inspect, the contract between it and
// RunSandboxedInspection.
// A report (accepted or refused) is on stdout in protobuf text format.
inline constexpr int kInspectorExitReport = 0;
// The file could not be inspected (missing, unreadable, libmagic cannot
// start); stderr says why.
inline constexpr int kInspectorExitCouldNotRun = 1;
// Bad flags or arguments; stderr says why.
inline constexpr int kInspectorExitUsage = 2;
// Memory ran out (the sandbox's RLIMIT_AS).
inline constexpr int kInspectorExitOutOfMemory = 3;

// How the inspector child process is confined.
struct SandboxOptions {
  // The handin-inspect binary (or anything honouring its flags, output and
  // exit statuses). Required.
  std::string inspector_path;
  // Wall-clock time after which the child is killed (SIGKILL) and reaped.
  // Default 10 s.
  absl::Duration timeout = absl::Seconds(10);
  // Processor time (RLIMIT_CPU), rounded up to whole seconds, at least 1.
  // Default 10 s.
  absl::Duration cpu_time = absl::Seconds(10);
  // Address space (RLIMIT_AS). Default 512 MiB.
  int64_t memory_bytes = int64_t{512} << 20;
  // Most bytes read from the child's stdout; a longer report is treated as
  // garbage and the child killed. Default 64 KiB.
  size_t max_output_bytes = 64 << 10;
};

// The command line that runs `inspector_path` on `path` with `rule` (as a
// one-line text proto) and `limits`.
std::vector<std::string> InspectorCommand(const std::string& inspector_path,
                                          const std::string& path,
                                          const deadline::v1::ContentRule& rule,
                                          const Limits& limits);

// Runs Inspect(path, rule, limits) in a child process (fork + execve of
// options.inspector_path with InspectorCommand) under the options' limits,
// plus RLIMIT_FSIZE 0 (it writes no file) and RLIMIT_CORE 0, with stdin on
// /dev/null, an empty environment and no other inherited descriptors.
// Safe to call from many threads at once; blocks the calling thread until
// the child is reaped (at most about options.timeout).
//
// Returns:
//  - the child's report, accepted or refused, when it exits 0 with one;
//  - a report refusing the file (only accepted and refusal set), naming
//    the cause and the limit, when the file took the inspector down: it ran
//    past options.timeout ("could not be inspected within 10s") or
//    options.cpu_time, ran out of memory, was killed by a signal (crashed),
//    exited with an unexpected status, or printed more than
//    options.max_output_bytes or something that is not a report;
//  - FailedPrecondition if the inspector cannot be started (missing, not
//    executable): a deployment error, not the file's fault;
//  - Internal if it exits kInspectorExitCouldNotRun or kInspectorExitUsage
//    (the message carries the start of its stderr), or if a pipe or fork
//    fails.
absl::StatusOr<v1::InspectionReport> RunSandboxedInspection(
    const std::string& path, const deadline::v1::ContentRule& rule,
    const Limits& limits, const SandboxOptions& options);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_SANDBOX_H_
