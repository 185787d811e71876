#ifndef HANDIN_SERVICES_STORAGE_ROCKSDB_MEMORY_H_
#define HANDIN_SERVICES_STORAGE_ROCKSDB_MEMORY_H_

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "common/periodic_task.h"
#include "services/storage/database.h"

namespace handin::storage {

// What RocksDB holds in memory for `database`, summed over its column
// families, in bytes (RocksDB's own accounting: allocator overhead and
// freed-but-kept memory are not in it).
struct RocksDbMemory {
  // Memtables, the active and the immutable ones waiting for a flush
  // (rocksdb.cur-size-all-mem-tables); bounded by the memtable budget of
  // StoreOptions.
  uint64_t memtables = 0;
  // Index and filter blocks of open table files kept outside the block
  // cache (rocksdb.estimate-table-readers-mem).
  uint64_t table_readers = 0;
  // Data blocks in the block cache (rocksdb.block-cache-usage).
  uint64_t block_cache = 0;
};

RocksDbMemory ReadRocksDbMemory(Database& database);

// While the returned task exists, sets the gauge
// handin_storage_rocksdb_memory_bytes{part="memtables"|"table_readers"|
// "block_cache"} from ReadRocksDbMemory every `interval`. `database` must
// outlive the task.
std::unique_ptr<PeriodicTask> StartRocksDbMemoryReport(Database& database,
                                                       absl::Duration interval);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_ROCKSDB_MEMORY_H_
