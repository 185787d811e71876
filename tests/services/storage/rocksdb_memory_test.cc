// RocksDB's memory by part, read from a real database on disk, and its
// gauges on /metrics.

#include "services/storage/rocksdb_memory.h"

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/metrics.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

constexpr uint64_t kValueBytes = uint64_t{1} << 20;
constexpr char kMemtablesSeries[] =
    "handin_storage_rocksdb_memory_bytes{part=\"memtables\"}";

// The value of `series` in the default registry's exposition; -1 if absent.
double ExposedValue(const std::string& series) {
  for (absl::string_view line :
       absl::StrSplit(metrics::Registry::Default().Exposition(), '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " "))
      continue;
    double value = 0;
    if (absl::SimpleAtod(line, &value)) return value;
  }
  return -1;
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
  EXPECT_GE(
      ExposedValue("handin_storage_rocksdb_memory_bytes{part=\"block_cache\"}"),
      0);
  EXPECT_GE(ExposedValue(
                "handin_storage_rocksdb_memory_bytes{part=\"table_readers\"}"),
            0);
}

}  // namespace
}  // namespace handin::storage
