// handin-storage: the only owner of handin's RocksDB.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/executor.h"
#include "common/logging.h"
#include "common/server_flags.h"
#include "common/server_runner.h"
#include "services/storage/access.h"
#include "services/storage/periodic_sweep.h"
#include "services/storage/rocksdb_memory.h"
#include "services/storage/storage_service.h"
#include "services/storage/submission_store.h"

ABSL_FLAG(std::string, data_dir, "",
          "directory of the RocksDB database, created if missing (required)");
ABSL_FLAG(int, io_threads, 32,
          "threads for RocksDB reads and synced commits (the executor); "
          "commits waiting on one fsync each hold one, so this bounds how "
          "many share a group commit");
ABSL_FLAG(absl::Duration, staged_grace, absl::Hours(1),
          "how long the staged bytes of an interrupted resumable upload are "
          "kept after its last chunk, e.g. 1h or 30m");
ABSL_FLAG(std::string, checkpoint_dir, "",
          "where CreateCheckpoint makes online checkpoints, one directory "
          "each named by its UTC instant; keep it on the filesystem of "
          "--data_dir, so table files are hard-linked, not copied (default: "
          "<data_dir>.checkpoints)");
ABSL_FLAG(int, memtable_mib,
          static_cast<int>(handin::storage::StoreOptions().write_buffer_bytes >>
                           20),
          "size of each in-memory table of upload bytes not yet flushed to "
          "disk, in MiB (4-1024); storage keeps up to two, so they cost up to "
          "twice this in RAM during a rush");
ABSL_FLAG(absl::Duration, sweep_interval, absl::Minutes(5),
          "how often staged bytes past --staged_grace, and chunks no upload "
          "owns, are deleted while serving");

// How often /metrics' RocksDB memory gauges are brought up to date.
constexpr absl::Duration kMemoryReportInterval = absl::Seconds(1);

int main(int argc, char** argv) {
  handin::ParseServerFlags(
      argc, argv,
      "stores submissions durably in RocksDB for intake and grading.\nUsage: "
      "handin-storage --data_dir=DIR [--listen=HOST:PORT] [--io_threads=N] "
      "[--staged_grace=1h] [--sweep_interval=5m] [--checkpoint_dir=DIR] "
      "[--memtable_mib=16] "
      "--tls_cert=F --tls_key=F "
      "--tls_ca=F --mtls");
  handin::InitLogging("storage");

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) {
    std::fprintf(stderr,
                 "handin-storage: --data_dir is required (the directory of "
                 "the RocksDB database)\n");
    return 1;
  }
  const absl::Duration sweep_interval = absl::GetFlag(FLAGS_sweep_interval);
  handin::storage::StoreOptions store_options;
  store_options.staged_grace = absl::GetFlag(FLAGS_staged_grace);
  const int memtable_mib = absl::GetFlag(FLAGS_memtable_mib);
  if (memtable_mib < 4 || memtable_mib > 1024) {
    std::fprintf(stderr,
                 "handin-storage: --memtable_mib=%d is out of range; give "
                 "4 to 1024 (MiB)\n",
                 memtable_mib);
    return 1;
  }
  store_options.write_buffer_bytes = static_cast<size_t>(memtable_mib) << 20;
  if (store_options.staged_grace <= absl::ZeroDuration() ||
      sweep_interval <= absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "handin-storage: --staged_grace and --sweep_interval must be "
                 "positive durations, e.g. 1h and 5m\n");
    return 1;
  }
  handin::SystemClock clock;
  auto store =
      handin::storage::SubmissionStore::Open(data_dir, clock, store_options);
  if (!store.ok()) {
    // The store's messages name the directory.
    std::fprintf(stderr, "handin-storage: %s\n",
                 std::string(store.status().message()).c_str());
    return 1;
  }
  auto authenticator =
      handin::AuthenticatorFromFlags(handin::storage::StorageAccess());
  if (!authenticator.ok()) {
    std::fprintf(stderr, "handin-storage: %s\n",
                 std::string(authenticator.status().message()).c_str());
    return 1;
  }
  absl::Status served;
  {
    // Destroyed before the store: the sweep stops, and the executor runs
    // its queued work first.
    auto sweep = handin::storage::StartPeriodicSweep(**store, sweep_interval);
    auto memory_report = handin::storage::StartRocksDbMemoryReport(
        (*store)->database(), kMemoryReportInterval);
    handin::Executor executor(absl::GetFlag(FLAGS_io_threads));
    handin::storage::StorageServiceImpl service(
        **store, executor, absl::GetFlag(FLAGS_checkpoint_dir));
    handin::ServerOptions options =
        handin::ServerOptionsFromFlags("127.0.0.1:50053", *authenticator);
    options.service_names = {
        handin::storage::v1::StorageService::service_full_name()};
    served = handin::ServeUntilSignalled("storage", options, {&service});
  }
  store->reset();  // closes RocksDB cleanly
  if (!served.ok()) {
    std::fprintf(stderr, "handin-storage: %s\n",
                 std::string(served.message()).c_str());
    return 1;
  }
  return 0;
}
