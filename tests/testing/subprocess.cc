#include "tests/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/tls.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace handin::testing {
namespace {

std::vector<char*> ArgvPointers(const std::vector<std::string>& argv) {
  std::vector<char*> pointers;
  for (const std::string& arg : argv) {
    pointers.push_back(const_cast<char*>(arg.c_str()));
  }
  pointers.push_back(nullptr);
  return pointers;
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv,
                            const std::string& out_path,
                            const std::string& err_path,
                            const std::vector<std::string>& extra_env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  // An added "NAME=value" replaces any inherited NAME.
  std::vector<std::string> env_strings = extra_env;
  for (char** e = environ; *e != nullptr; ++e) {
    const absl::string_view inherited(*e);
    const absl::string_view name = inherited.substr(0, inherited.find('=') + 1);
    bool overridden = false;
    for (const std::string& added : extra_env) {
      overridden = overridden || absl::StartsWith(added, name);
    }
    if (!overridden) env_strings.emplace_back(inherited);
  }
  std::vector<char*> envp = ArgvPointers(env_strings);
  std::vector<char*> args = ArgvPointers(argv);
  pid_t pid = 0;
  const int error =
      posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot start ", argv[0], ": ", std::strerror(error)));
  }
  return pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::vector<std::string>& argv, const std::string& log_path) {
  auto pid = Spawn(argv, log_path, log_path, {});
  if (!pid.ok()) return pid.status();
  return std::unique_ptr<Subprocess>(new Subprocess(*pid));
}

Subprocess::~Subprocess() {
  if (Running()) {
    Signal(SIGKILL);
    (void)Wait(absl::Seconds(10));
  }
}

bool Subprocess::Running() {
  if (reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    exit_code_ = DecodeWaitStatus(status);
    return false;
  }
  return true;
}

void Subprocess::Signal(int signo) {
  if (!reaped_) kill(pid_, signo);
}

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (Running()) {
    if (absl::Now() > give_up) {
      return absl::DeadlineExceededError(
          absl::StrCat("pid ", pid_, " still running after ",
                       absl::FormatDuration(timeout)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return exit_code_;
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env,
                         absl::Duration timeout) {
  TempDir dir;
  CommandResult result;
  auto pid = Spawn(argv, dir.File("out"), dir.File("err"), env);
  if (!pid.ok()) {
    result.err = std::string(pid.status().message());
    return result;
  }
  Subprocess process(*pid);
  absl::StatusOr<int> code = process.Wait(timeout);
  if (!code.ok()) {
    process.Signal(SIGKILL);
    code = process.Wait(absl::Seconds(10));
  }
  result.exit_code = code.ok() ? *code : -1;
  result.out = ReadFileToString(dir.File("out")).value_or("");
  result.err = ReadFileToString(dir.File("err")).value_or("");
  return result;
}

}  // namespace handin::testing
