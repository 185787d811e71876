#include "services/storage/rocksdb_memory.h"

#include <string>

#include "common/metrics.h"
#include "rocksdb/db.h"

namespace handin::storage {
namespace {

uint64_t Aggregated(Database& database, const std::string& property) {
  uint64_t value = 0;
  // False only for an unknown property name, which would be a bug here;
  // the gauge then reads 0.
  database.db().GetAggregatedIntProperty(property, &value);
  return value;
}

}  // namespace

RocksDbMemory ReadRocksDbMemory(Database& database) {
  RocksDbMemory memory;
  memory.memtables =
      Aggregated(database, rocksdb::DB::Properties::kCurSizeAllMemTables);
  memory.table_readers =
      Aggregated(database, rocksdb::DB::Properties::kEstimateTableReadersMem);
  memory.block_cache =
      Aggregated(database, rocksdb::DB::Properties::kBlockCacheUsage);
  return memory;
}

std::unique_ptr<PeriodicTask> StartRocksDbMemoryReport(
    Database& database, absl::Duration interval) {
  metrics::Family<metrics::Gauge>& family = metrics::Registry::Default().Gauges(
      "handin_storage_rocksdb_memory_bytes",
      "Memory RocksDB holds by its own accounting, by part: memtables, "
      "table_readers (index and filter blocks outside the block cache), "
      "block_cache.",
      {"part"});
  metrics::Gauge* memtables = &family.WithLabels({"memtables"});
  metrics::Gauge* table_readers = &family.WithLabels({"table_readers"});
  metrics::Gauge* block_cache = &family.WithLabels({"block_cache"});
  return std::make_unique<PeriodicTask>(
      interval, [&database, memtables, table_readers, block_cache] {
        const RocksDbMemory memory = ReadRocksDbMemory(database);
        memtables->Set(static_cast<int64_t>(memory.memtables));
        table_readers->Set(static_cast<int64_t>(memory.table_readers));
        block_cache->Set(static_cast<int64_t>(memory.block_cache));
      });
}

}  // namespace handin::storage
