// handin-storage: the only owner of handin's RocksDB.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "common/clock.h"
#include "common/executor.h"
#include "common/logging.h"
#include "common/server_flags.h"
#include "common/server_runner.h"
#include "services/storage/storage_service.h"
#include "services/storage/submission_store.h"

ABSL_FLAG(std::string, data_dir, "",
          "directory of the RocksDB database, created if missing (required)");
ABSL_FLAG(int, io_threads, 4,
          "threads for RocksDB reads and synced commits (the executor)");

int main(int argc, char** argv) {
  handin::ParseServerFlags(
      argc, argv,
      "stores submissions durably in RocksDB for intake and grading.\nUsage: "
      "handin-storage --data_dir=DIR [--listen=HOST:PORT] [--io_threads=N] "
      "--tls_cert=F --tls_key=F --tls_ca=F --mtls");
  handin::InitLogging("storage");

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) {
    std::fprintf(stderr,
                 "handin-storage: --data_dir is required (the directory of "
                 "the RocksDB database)\n");
    return 1;
  }
  handin::SystemClock clock;
  auto store = handin::storage::SubmissionStore::Open(data_dir, clock);
  if (!store.ok()) {
    // The store's messages name the directory.
    std::fprintf(stderr, "handin-storage: %s\n",
                 std::string(store.status().message()).c_str());
    return 1;
  }
  absl::Status served;
  {
    // Destroyed before the store: the executor runs its queued work first.
    handin::Executor executor(absl::GetFlag(FLAGS_io_threads));
    handin::storage::StorageServiceImpl service(**store, executor);
    handin::ServerOptions options =
        handin::ServerOptionsFromFlags("127.0.0.1:50053");
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
