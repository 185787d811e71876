// handin_bench_large_upload: the memory a large upload costs the services.
//
// Starts the real services (the integration tests' Cluster: TLS, the
// reference course, RocksDB in a temporary directory), submits a 1 KiB
// file and then a --bytes file (default 1 GiB) of random bytes with the
// real `handin` client to project-group (an item without a content rule,
// so nothing is spooled or inspected; intake's --max_file_bytes is raised
// to let the file in), and prints, after each upload, every service's peak
// and current resident memory from /proc/<pid>/status (VmHWM, VmRSS and its
// anonymous and file-backed parts), the client's sampled peak, the elapsed
// time and the throughput. The 1 KiB row is the baseline the large row is
// read against. A measurement, not a test: nothing is asserted but that
// the uploads succeed. docs/benchmarks.md records runs.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "tests/integration/cluster.h"

ABSL_FLAG(int64_t, bytes, int64_t{1} << 30, "size of the large upload");
ABSL_FLAG(std::string, item, "project-group",
          "item of the reference course to submit to (one without a content "
          "rule takes any bytes)");

namespace handin::bench {
namespace {

using ::handin::testing::Cluster;
using ::handin::testing::ClusterOptions;
using ::handin::testing::Subprocess;
using ::handin::testing::TempDir;

const char* const kServices[] = {"intake", "storage", "deadline", "grading"};

// Memory figures of one process from /proc/<pid>/status, in KiB; -1 when
// absent (the process is gone).
struct Memory {
  int64_t hwm_kib = -1;
  int64_t rss_kib = -1;
  int64_t anon_kib = -1;
  int64_t file_kib = -1;
};

Memory ReadMemory(pid_t pid) {
  Memory memory;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  const std::map<std::string, int64_t*> fields = {
      {"VmHWM:", &memory.hwm_kib},
      {"VmRSS:", &memory.rss_kib},
      {"RssAnon:", &memory.anon_kib},
      {"RssFile:", &memory.file_kib}};
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() < 2) continue;
    auto field = fields.find(words[0]);
    if (field != fields.end()) (void)absl::SimpleAtoi(words[1], field->second);
  }
  return memory;
}

std::string Mib(int64_t kib) {
  return kib < 0 ? "-" : absl::StrFormat("%.1f", kib / 1024.0);
}

// Writes `size` pseudo-random bytes to `path` 1 MiB at a time and returns
// their SHA-256; Internal if the file cannot be written.
absl::StatusOr<std::string> WriteRandomFile(const std::string& path,
                                            int64_t size) {
  std::mt19937_64 random(20261127);
  std::ofstream out(path, std::ios::binary);
  Sha256 hasher;
  std::string block;
  for (int64_t left = size; left > 0;) {
    block.resize(static_cast<size_t>(std::min<int64_t>(left, 1 << 20)));
    for (size_t i = 0; i < block.size(); i += sizeof(uint64_t)) {
      const uint64_t word = random();
      std::memcpy(&block[i], &word, std::min(sizeof(word), block.size() - i));
    }
    out.write(block.data(), static_cast<std::streamsize>(block.size()));
    hasher.Update(block);
    left -= static_cast<int64_t>(block.size());
  }
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return hasher.HexDigest();
}

// What one `handin submit` run cost.
struct Run {
  absl::Duration elapsed;
  // The client's VmHWM, sampled every 20 ms while it ran.
  int64_t client_hwm_kib = -1;
};

// Submits `path` with the real client and waits for it. Internal, with the
// client's and the services' logs, if it fails or its receipt does not name
// `sha`.
absl::StatusOr<Run> Submit(Cluster& cluster, const std::string& path,
                           const std::string& sha, const TempDir& dir) {
  // The client reads its settings from the environment.
  setenv("HANDIN_SERVER", cluster.TlsAddress("intake").c_str(), 1);
  setenv("HANDIN_CA", cluster.CaFile().c_str(), 1);
  setenv("HANDIN_TOKEN", cluster.Token(handin::Role::kStudent, "ari").c_str(),
         1);
  setenv("HANDIN_COURSE", "eecs598-w24", 1);
  setenv("HANDIN_RECEIPT_DIR", dir.path().c_str(), 1);
  const std::string log = dir.File("client.log");
  std::remove(log.c_str());
  const absl::Time start = absl::Now();
  auto client = Subprocess::Start({Cluster::Binary("handin"), "submit", "--yes",
                                   "--item", absl::GetFlag(FLAGS_item), path},
                                  log);
  if (!client.ok()) return client.status();
  Run run;
  while ((*client)->Running()) {
    run.client_hwm_kib =
        std::max(run.client_hwm_kib, ReadMemory((*client)->pid()).hwm_kib);
    absl::SleepFor(absl::Milliseconds(20));
  }
  run.elapsed = absl::Now() - start;
  absl::StatusOr<int> code = (*client)->Wait(absl::ZeroDuration());
  const std::string output = ReadFileToString(log).value_or("(no output)");
  if (!code.ok() || *code != 0 || !absl::StrContains(output, sha)) {
    return absl::InternalError(absl::StrCat(
        "handin submit ", path, " failed:\n", output, "\nintake:\n",
        cluster.LogTail("intake"), "\nstorage:\n", cluster.LogTail("storage")));
  }
  return run;
}

// Table rows, one per service and the client, for the state after
// `label`; appends the throughput line to `notes`.
std::string Rows(Cluster& cluster, const std::string& label, int64_t bytes,
                 const Run& run, std::string& notes) {
  std::string rows;
  int64_t intake_storage_hwm = 0;
  for (const char* service : kServices) {
    absl::StatusOr<pid_t> pid = cluster.Pid(service);
    const Memory memory = pid.ok() ? ReadMemory(*pid) : Memory{};
    if (absl::string_view(service) == "intake" ||
        absl::string_view(service) == "storage") {
      intake_storage_hwm += memory.hwm_kib;
    }
    absl::StrAppendFormat(&rows, "| %s | %s | %s | %s | %s | %s |\n", label,
                          service, Mib(memory.hwm_kib), Mib(memory.rss_kib),
                          Mib(memory.anon_kib), Mib(memory.file_kib));
  }
  absl::StrAppendFormat(&rows,
                        "| %s | handin client (sampled) | %s | | | |\n"
                        "| %s | **intake + storage** | **%s** | | | |\n",
                        label, Mib(run.client_hwm_kib), label,
                        Mib(intake_storage_hwm));
  const double seconds = absl::ToDoubleSeconds(run.elapsed);
  absl::StrAppendFormat(&notes,
                        "%s: %d bytes in %.2f s (client start to exit), "
                        "%.1f MiB/s\n",
                        label, bytes, seconds, bytes / 1048576.0 / seconds);
  return rows;
}

int Main() {
  const int64_t bytes = absl::GetFlag(FLAGS_bytes);
  TempDir dir;
  ClusterOptions options;
  options.extra_flags["intake"] = {
      absl::StrCat("--max_file_bytes=", bytes + (int64_t{64} << 20))};
  Cluster cluster(options);
  absl::Status started = cluster.Start();
  if (!started.ok()) {
    std::cerr << "starting the services: " << started << "\n";
    return 1;
  }
  const std::string small = dir.File("small.bin");
  absl::StatusOr<std::string> small_sha = WriteRandomFile(small, 1024);
  if (!small_sha.ok()) {
    std::cerr << small_sha.status() << "\n";
    return 1;
  }

  std::string notes;
  absl::StatusOr<Run> small_run = Submit(cluster, small, *small_sha, dir);
  if (!small_run.ok()) {
    std::cerr << small_run.status().message() << "\n";
    return 1;
  }
  std::string rows = Rows(cluster, "1 KiB upload", 1024, *small_run, notes);
  const std::string large = dir.File("large.bin");
  std::cerr << "writing " << bytes << " random bytes to " << large << " ...\n";
  absl::StatusOr<std::string> large_sha = WriteRandomFile(large, bytes);
  if (!large_sha.ok()) {
    std::cerr << large_sha.status() << "\n";
    return 1;
  }
  std::cerr << "submitting it with the handin client ...\n";
  absl::StatusOr<Run> large_run = Submit(cluster, large, *large_sha, dir);
  if (!large_run.ok()) {
    std::cerr << large_run.status().message() << "\n";
    return 1;
  }
  rows += Rows(cluster, absl::StrCat(bytes >> 20, " MiB upload"), bytes,
               *large_run, notes);
  std::cout << "| after | process | VmHWM MiB | VmRSS MiB | RssAnon MiB | "
               "RssFile MiB |\n|---|---|---|---|---|---|\n"
            << rows << "\n"
            << notes;
  std::error_code error;
  std::uintmax_t stored = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           cluster.StorageDataDir(), error)) {
    if (entry.is_regular_file()) stored += entry.file_size();
  }
  std::cout << "storage data dir after both: " << (stored >> 20) << " MiB\n";
  return 0;
}

}  // namespace
}  // namespace handin::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "starts the real handin services, submits a large file with the "
      "handin client and prints the services' peak memory");
  absl::ParseCommandLine(argc, argv);
  return handin::bench::Main();
}
