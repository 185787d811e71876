#include "bench/loadgen/proc_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace handin::bench {

absl::Status ResetPeakRss(pid_t pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/clear_refs");
  std::ofstream out(path);
  out << "5";
  out.close();
  if (!out) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, " to reset the peak RSS"));
  }
  return absl::OkStatus();
}

namespace {

// The field `name` ("VmHWM:") of /proc/<pid>/status, in KiB.
std::optional<int64_t> StatusKib(pid_t pid, absl::string_view name) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, name)) {
      rest = absl::StripSuffix(absl::StripAsciiWhitespace(rest), "kB");
      int64_t kib = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(rest), &kib)) return kib;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> PeakRssKib(pid_t pid) {
  return StatusKib(pid, "VmHWM:");
}

std::optional<int64_t> RssKib(pid_t pid) { return StatusKib(pid, "VmRSS:"); }

std::optional<double> CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces; fields count from after it.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::vector<std::string> fields =
      absl::StrSplit(text.substr(close + 2), ' ', absl::SkipEmpty());
  // utime, stime, cutime and cstime are fields 14 to 17, i.e. 11 to 14
  // after the name.
  double total = 0;
  for (size_t i = 11; i <= 14; ++i) {
    double ticks = 0;
    if (fields.size() <= i || !absl::SimpleAtod(fields[i], &ticks)) {
      return std::nullopt;
    }
    total += ticks;
  }
  return total / static_cast<double>(sysconf(_SC_CLK_TCK));
}

MachineCpu ReadMachineCpu() {
  std::ifstream in("/proc/stat");
  std::string line;
  std::getline(in, line);  // "cpu  user nice system idle iowait irq ..."
  std::vector<std::string> fields =
      absl::StrSplit(line, ' ', absl::SkipEmpty());
  MachineCpu cpu;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (size_t i = 1; i < fields.size() && i <= 8; ++i) {
    double value = 0;
    if (!absl::SimpleAtod(fields[i], &value)) continue;
    cpu.total += value / tick;
    if (i != 4 && i != 5) cpu.busy += value / tick;  // idle, iowait
  }
  return cpu;
}

}  // namespace handin::bench
