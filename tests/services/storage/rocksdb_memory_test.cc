// RocksDB's memory by part, read from a real database on disk, and its
// gauges on /metrics.

#include "services/storage/rocksdb_memory.h"

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "tests/testing/metric_sample.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kValueBytes = uint64_t{1} << 20;
constexpr char kMemtablesSeries[] =
    "handin_storage_rocksdb_memory_bytes{part=\"memtables\"}";

// The value of `series` on /metrics now; 0 if absent.
double ExposedValue(const std::string& series) {
  return handin::testing::MetricSample(
      metrics::Registry::Default().Exposition(), series);
}

class RocksDbMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::Open(dir_.path(), StoreOptions());
    ASSERT_TRUE(opened.ok()) << opened.status();
    database_ = *std::move(opened);
  }

  // Puts one unflushed 1 MiB value in the blobs family.
  void PutLargeValue() {
    ASSERT_TRUE(database_->db()
                    .Put(rocksdb::WriteOptions(), database_->blobs(), "chunk",
                         std::string(kValueBytes, 'x'))
                    .ok());
  }

  handin::testing::TempDir dir_;
  std::unique_ptr<Database> database_;
};

TEST_F(RocksDbMemoryTest, MemtablesHoldUnflushedWritesUntilAFlush) {
  PutLargeValue();
  EXPECT_GE(ReadRocksDbMemory(*database_).memtables, kValueBytes);

  ASSERT_TRUE(
      database_->db().Flush(rocksdb::FlushOptions(), database_->blobs()).ok());
  EXPECT_LT(ReadRocksDbMemory(*database_).memtables, kValueBytes);
}

TEST_F(RocksDbMemoryTest, ReportSetsTheGaugesOnMetrics) {
  PutLargeValue();
  auto report = StartRocksDbMemoryReport(*database_, absl::Milliseconds(10));
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (ExposedValue(kMemtablesSeries) < kValueBytes &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_GE(ExposedValue(kMemtablesSeries), kValueBytes);
  const std::string exposition = metrics::Registry::Default().Exposition();
  EXPECT_THAT(exposition, HasSubstr("handin_storage_rocksdb_memory_bytes{"
                                    "part=\"block_cache\"} "));
  EXPECT_THAT(exposition, HasSubstr("handin_storage_rocksdb_memory_bytes{"
                                    "part=\"table_readers\"} "));
}

}  // namespace
}  // namespace handin::storage
