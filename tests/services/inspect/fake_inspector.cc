// A stand-in for handin-inspect that misbehaves on purpose, for the sandbox
// tests. It takes the same command line, ignores the flags, and does what
// the file (its last argument) says:
//   sleep     sleeps 30 s, then reports acceptance
//   spin      burns up to 30 s of processor time, then reports acceptance
//   allocate  touches up to 1 GiB of memory, then reports acceptance; exits
//             kInspectorExitOutOfMemory if an allocation fails
//   crash     aborts
//   garbage   prints something that is not a report
//   flood     prints 1 MiB
//   fail      exits kInspectorExitCouldNotRun with a message
//   exit7     exits 7
//   probe     reports acceptance with warnings describing its confinement
// A report of acceptance after a limit should have stopped it makes the
// test that set the limit fail.

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "services/inspect/sandbox.h"

namespace {

int Accept(const std::vector<std::string>& warnings = {}) {
  std::printf("accepted: true\n");
  for (const std::string& warning : warnings) {
    std::printf("warnings: \"%s\"\n", warning.c_str());
  }
  return 0;
}

std::string OpenDescriptors() {
  std::string fds;
  DIR* dir = opendir("/proc/self/fd");
  const int own = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.' || std::atoi(entry->d_name) == own) continue;
    fds += fds.empty() ? "" : ",";
    fds += entry->d_name;
  }
  closedir(dir);
  return fds;
}

std::string Limit(int resource) {
  rlimit limit;
  getrlimit(resource, &limit);
  return std::to_string(limit.rlim_cur);
}

int Probe() {
  int variables = 0;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    ++variables;
  }
  char byte;
  const bool stdin_empty = read(STDIN_FILENO, &byte, 1) == 0;
  return Accept({"environment=" + std::to_string(variables),
                 "fds=" + OpenDescriptors(), "fsize=" + Limit(RLIMIT_FSIZE),
                 "core=" + Limit(RLIMIT_CORE), "as=" + Limit(RLIMIT_AS),
                 "cpu=" + Limit(RLIMIT_CPU),
                 std::string("stdin=") + (stdin_empty ? "empty" : "other")});
}

int Allocate() {
  std::vector<std::unique_ptr<char[]>> blocks;
  try {
    for (int mib = 0; mib < 1024; ++mib) {
      blocks.emplace_back(new char[1 << 20]);
      std::memset(blocks.back().get(), 1, 1 << 20);
    }
  } catch (const std::bad_alloc&) {
    return handin::inspect::kInspectorExitOutOfMemory;
  }
  return Accept();
}

int Spin() {
  volatile unsigned long sink = 0;
  while (std::clock() < 30 * CLOCKS_PER_SEC) ++sink;
  return Accept();
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode;
  std::ifstream(argv[argc - 1]) >> mode;
  if (mode == "sleep") {
    std::this_thread::sleep_for(std::chrono::seconds(30));
    return Accept();
  }
  if (mode == "spin") return Spin();
  if (mode == "allocate") return Allocate();
  if (mode == "crash") std::abort();
  if (mode == "garbage") return std::printf("this is { not a report\n") < 0;
  if (mode == "flood") {
    const std::string line(1023, 'x');
    for (int i = 0; i < 1024; ++i) std::printf("%s\n", line.c_str());
    return Accept();
  }
  if (mode == "fail") {
    std::fprintf(stderr, "fake-inspector: cannot read the file\n");
    return handin::inspect::kInspectorExitCouldNotRun;
  }
  if (mode == "exit7") return 7;
  if (mode == "probe") return Probe();
  std::fprintf(stderr, "fake-inspector: unknown mode '%s'\n", mode.c_str());
  return 100;
}
