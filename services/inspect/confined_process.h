#ifndef HANDIN_SERVICES_INSPECT_CONFINED_PROCESS_H_
#define HANDIN_SERVICES_INSPECT_CONFINED_PROCESS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace handin::inspect {

// A command to run to completion under resource limits.
struct ConfinedCommand {
  // argv[0] is the path of the executable (no PATH search). Required.
  std::vector<std::string> argv;
  // Wall-clock limit; the child is then killed with SIGKILL.
  absl::Duration timeout = absl::Seconds(10);
  // RLIMIT_CPU soft limit in seconds (SIGXCPU); the hard limit is one more
  // (SIGKILL).
  int64_t cpu_seconds = 10;
  // RLIMIT_AS in bytes. Not applied in an AddressSanitizer build, whose
  // children could not start under it.
  int64_t memory_bytes = int64_t{512} << 20;
  // Most stdout bytes kept; one more kills the child (stdout_overflow).
  size_t max_stdout_bytes = 64 << 10;
  // Most stderr bytes kept; the rest is read and dropped.
  size_t max_stderr_bytes = 4 << 10;
};

// How a confined command ended.
struct ConfinedOutcome {
  // Killed because it ran past the timeout.
  bool timed_out = false;
  // Killed because it wrote more than max_stdout_bytes.
  bool stdout_overflow = false;
  // Exit status if it exited, else -1.
  int exit_code = -1;
  // Signal that ended it if it did not exit (SIGKILL after a timeout or an
  // overflow), else 0.
  int signal = 0;
  // Its stdout and the start of its stderr.
  std::string out;
  std::string err;
};

// Runs `command` in a child (fork + execve) with an empty environment,
// stdin on /dev/null, only stdout and stderr inherited (as pipes), and
// RLIMIT_AS, RLIMIT_CPU, RLIMIT_FSIZE 0 and RLIMIT_CORE 0 set; waits for it
// and reaps it. Between fork and execve the child makes only system calls
// that are safe after fork in a multithreaded process, so this is safe to
// call from many threads at once.
//
// Returns the outcome, whatever the child did. FailedPrecondition if the
// executable cannot be run (execve failed: missing, not executable);
// Internal if a pipe or the fork fails.
absl::StatusOr<ConfinedOutcome> RunConfined(const ConfinedCommand& command);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_CONFINED_PROCESS_H_
