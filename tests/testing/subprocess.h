#ifndef HANDIN_TESTS_TESTING_SUBPROCESS_H_
#define HANDIN_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace handin::testing {

// A child process (posix_spawn) whose stdout and stderr go to `log_path`.
// The destructor kills it (SIGKILL) if it still runs.
class Subprocess {
 public:
  // Starts argv[0] (a path) with the given arguments. InvalidArgument if it
  // cannot be spawned.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::string& log_path);
  // Adopts an already started child.
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  // Returns true while the process has not exited.
  bool Running();
  // Sends `signo`.
  void Signal(int signo);
  // Waits up to `timeout` for exit. Returns the exit code, 128 + the signal
  // number if killed by one, or DeadlineExceeded if still running.
  absl::StatusOr<int> Wait(absl::Duration timeout);

 private:
  pid_t pid_;
  bool reaped_ = false;
  int exit_code_ = -1;
};

// The outcome of a command run to completion.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv to completion (at most `timeout`, then SIGKILL), capturing
// stdout and stderr separately. `env` entries ("NAME=value") are added to
// the inherited environment, replacing any variable of the same name.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {},
                         absl::Duration timeout = absl::Seconds(60));

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_SUBPROCESS_H_
