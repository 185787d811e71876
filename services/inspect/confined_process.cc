#include "services/inspect/confined_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace handin::inspect {
namespace {

// A descriptor closed when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Takes ownership of `fd`, closing the one held.
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

absl::Status MakePipe(Pipe& pipe) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(
        absl::StrCat("pipe2 failed: ", std::strerror(errno)));
  }
  pipe.read.Reset(fds[0]);
  pipe.write.Reset(fds[1]);
  return absl::OkStatus();
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// What the child needs, prepared before fork: after fork it must not
// allocate.
struct ChildPlan {
  std::vector<char*> argv;
  char* const* envp;
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  int exec_error_fd;  // close-on-exec; gets errno if execve fails
  rlim_t memory_bytes;
  rlim_t cpu_seconds;
};

// Writes errno to the parent's exec error pipe and ends the child.
[[noreturn]] void ReportAndExit(int error_fd) {
  const int error = errno;
  (void)!write(error_fd, &error, sizeof error);
  _exit(127);
}

// Runs in the child between fork and execve: only async-signal-safe calls
// (setrlimit is not on POSIX's list, but glibc's is the bare prlimit64
// system call).
[[noreturn]] void ExecChild(const ChildPlan& plan) {
  dup2(plan.stdin_fd, STDIN_FILENO);
  dup2(plan.stdout_fd, STDOUT_FILENO);
  dup2(plan.stderr_fd, STDERR_FILENO);
  // The error pipe moves to 3; everything else the parent has open stays
  // behind.
  if (plan.exec_error_fd != 3 && dup3(plan.exec_error_fd, 3, O_CLOEXEC) != 3) {
    ReportAndExit(plan.exec_error_fd);
  }
  if (syscall(SYS_close_range, 4, ~0U, 0) != 0) {
    for (int fd = 4; fd < 1024; ++fd) close(fd);
  }
  const rlimit memory = {plan.memory_bytes, plan.memory_bytes};
  const rlimit cpu = {plan.cpu_seconds, plan.cpu_seconds + 1};
  const rlimit none = {0, 0};
  // AddressSanitizer reserves terabytes of address space for its shadow
  // memory at start-up, so an instrumented child under RLIMIT_AS cannot
  // even start: a sanitizer build (scripts/test --sanitize) runs without the
  // memory limit. Release builds always set it.
  if (!kAddressSanitizer) setrlimit(RLIMIT_AS, &memory);
  setrlimit(RLIMIT_CPU, &cpu);
  setrlimit(RLIMIT_FSIZE, &none);
  setrlimit(RLIMIT_CORE, &none);
  // Ignored signals and the blocked mask survive execve: reset them.
  sigset_t nothing;
  sigemptyset(&nothing);
  sigprocmask(SIG_SETMASK, &nothing, nullptr);
  for (int signo : {SIGPIPE, SIGXCPU, SIGXFSZ, SIGSEGV, SIGABRT}) {
    signal(signo, SIG_DFL);
  }
  execve(plan.argv[0], plan.argv.data(), plan.envp);
  ReportAndExit(3);
}

// Appends what is readable on `fd` to `kept` up to `limit` bytes. Returns
// the bytes read (0 at end of file), -1 if nothing was ready.
ssize_t Drain(int fd, std::string& kept, size_t limit, bool& overflowed) {
  char chunk[4096];
  const ssize_t read_bytes = read(fd, chunk, sizeof chunk);
  if (read_bytes <= 0) {
    return read_bytes == 0 ? 0 : (errno == EINTR || errno == EAGAIN ? -1 : 0);
  }
  const size_t room = limit - std::min(limit, kept.size());
  kept.append(chunk, std::min(room, static_cast<size_t>(read_bytes)));
  if (static_cast<size_t>(read_bytes) > room) overflowed = true;
  return read_bytes;
}

// Reads the child's stdout and stderr until both close, the deadline
// passes, or stdout overflows; kills the child in the last two cases.
void Collect(pid_t pid, int out_fd, int err_fd, const ConfinedCommand& command,
             std::chrono::steady_clock::time_point deadline,
             ConfinedOutcome& outcome) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  bool stderr_overflow = false;  // tolerated: the rest is dropped
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.timed_out = true;
      kill(pid, SIGKILL);
      return;
    }
    if (poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000))) <=
        0) {
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t got =
          i == 0 ? Drain(fds[i].fd, outcome.out, command.max_stdout_bytes,
                         outcome.stdout_overflow)
                 : Drain(fds[i].fd, outcome.err, command.max_stderr_bytes,
                         stderr_overflow);
      if (got == 0) fds[i].fd = -1;
    }
    if (outcome.stdout_overflow) {
      kill(pid, SIGKILL);
      return;
    }
  }
}

// Reaps the child, killing it if it outlives the deadline with its pipes
// closed.
void Reap(pid_t pid, std::chrono::steady_clock::time_point deadline,
          ConfinedOutcome& outcome) {
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, outcome.timed_out ? 0 : WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return;
    if (done == 0 && std::chrono::steady_clock::now() >= deadline) {
      outcome.timed_out = true;
      kill(pid, SIGKILL);
    } else if (done == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
}

}  // namespace

absl::StatusOr<ConfinedOutcome> RunConfined(const ConfinedCommand& command) {
  if (command.argv.empty()) {
    return absl::InvalidArgumentError("RunConfined needs a command");
  }
  Pipe out, err, exec_error;
  for (Pipe* pipe : {&out, &err, &exec_error}) {
    if (absl::Status status = MakePipe(*pipe); !status.ok()) return status;
  }
  Fd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (dev_null.get() < 0) {
    return absl::InternalError(
        absl::StrCat("cannot open /dev/null: ", std::strerror(errno)));
  }
  std::vector<std::string> args = command.argv;
  static char* const kEmptyEnvironment[] = {nullptr};
  ChildPlan plan{
      {},
      kEmptyEnvironment,
      dev_null.get(),
      out.write.get(),
      err.write.get(),
      exec_error.write.get(),
      static_cast<rlim_t>(command.memory_bytes),
      static_cast<rlim_t>(std::max<int64_t>(command.cpu_seconds, 1))};
  for (std::string& arg : args) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);

  const auto deadline =
      std::chrono::steady_clock::now() +
      absl::ToChronoMilliseconds(std::min(command.timeout, absl::Hours(24)));
  const pid_t pid = fork();
  if (pid < 0) {
    return absl::InternalError(
        absl::StrCat("fork failed: ", std::strerror(errno)));
  }
  if (pid == 0) ExecChild(plan);

  // Only the child writes; end of file on a pipe means the child closed it.
  out.write.Close();
  err.write.Close();
  exec_error.write.Close();
  int exec_errno = 0;
  ssize_t got;
  do {
    got = read(exec_error.read.get(), &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  if (got == sizeof exec_errno) {
    waitpid(pid, nullptr, 0);
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot run ", command.argv[0], ": ", std::strerror(exec_errno)));
  }
  ConfinedOutcome outcome;
  Collect(pid, out.read.get(), err.read.get(), command, deadline, outcome);
  Reap(pid, deadline, outcome);
  return outcome;
}

}  // namespace handin::inspect
