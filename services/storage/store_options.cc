#include "services/storage/store_options.h"

#include <algorithm>

#include "rocksdb/options.h"
#include "services/storage/database.h"

namespace handin::storage {
namespace {

// Memtable of each family other than blobs: records, indexes and events
// are small, so a few MiB hold thousands of them.
constexpr size_t kSmallFamilyWriteBuffer = size_t{4} << 20;

// About how many bytes of blobs-family flushes level 0 gathers before it
// is compacted.
constexpr size_t kLevel0BytesBeforeCompaction = size_t{128} << 20;

}  // namespace

rocksdb::DBOptions ToDbOptions(const StoreOptions& options) {
  rocksdb::DBOptions rocks;
  rocks.create_if_missing = true;
  rocks.create_missing_column_families = true;
  // Memory: chunk bytes pass through the blobs family's memtables on their
  // way to disk, so the memtable budget is what a 1 GiB upload costs in
  // RAM, not its size; when it is full RocksDB stalls writes, which stalls
  // StartRead, which stalls the client (gRPC flow control). This caps the
  // memtables of all families together.
  rocks.db_write_buffer_size = options.write_buffer_bytes *
                               static_cast<size_t>(options.max_write_buffers);
  // Chunk bytes are also in the WAL until their memtable is flushed; cap
  // the WAL so old logs are flushed and dropped rather than piling up. (A
  // WAL is kept until every family with data in it has flushed; the cap
  // also makes the quiet families flush.)
  rocks.max_total_wal_size = 4 * options.write_buffer_bytes;
  rocks.max_open_files = options.max_open_files;
  // Two cores: one flush and one compaction at a time is plenty.
  rocks.max_background_jobs = 2;
  // RocksDB's own info log lives in the data directory; keep it small.
  rocks.max_log_file_size = 8 << 20;
  rocks.keep_log_file_num = 4;
  // WAL recovery stays at the default kPointInTimeRecovery: after a crash
  // the log is replayed up to the first torn record, so a synced commit is
  // always recovered and an unsynced tail is dropped whole.
  return rocks;
}

rocksdb::ColumnFamilyOptions ToColumnFamilyOptions(const StoreOptions& options,
                                                   absl::string_view family) {
  rocksdb::ColumnFamilyOptions rocks;
  if (family != kBlobsFamily) {
    rocks.write_buffer_size = kSmallFamilyWriteBuffer;
    rocks.max_write_buffer_number = 2;
    return rocks;
  }
  rocks.write_buffer_size = options.write_buffer_bytes;
  rocks.max_write_buffer_number = options.max_write_buffers;
  // Compact level 0 once about 128 MiB have been flushed into it, whatever
  // the memtable size (RocksDB's trigger of 4 files assumes 32 MiB or more):
  // with 16 MiB memtables and the trigger at 4, a 1 GiB upload took storage
  // 10.3 s of CPU against 8.0-8.5 s with 32 MiB; at 8 files, 8.6-9.3 s.
  // This family's table files hold only keys and blob pointers, so a few
  // more of them cost lookups little.
  rocks.level0_file_num_compaction_trigger =
      std::max<int>(4, static_cast<int>(kLevel0BytesBeforeCompaction /
                                        options.write_buffer_bytes));
  // Chunk values (every value of 4 KiB and more here; never a manifest or
  // staging entry) go to blob files: compaction then rewrites only small
  // keys and pointers instead of every uploaded byte again and again.
  // Submissions are mostly PDFs and zips, already compressed, so blobs are
  // stored raw. Garbage collection reclaims the space of deleted (aborted,
  // expired or deduplicated) chunks as compaction passes over them.
  rocks.enable_blob_files = true;
  rocks.min_blob_size = 4096;
  rocks.blob_compression_type = rocksdb::kNoCompression;
  rocks.enable_blob_garbage_collection = true;
  // The SST files of this family hold keys and blob pointers only; larger
  // target files keep their number (and open descriptors) down as the
  // store grows.
  rocks.target_file_size_base = 64 << 20;
  return rocks;
}

}  // namespace handin::storage
