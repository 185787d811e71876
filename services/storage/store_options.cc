#include "services/storage/store_options.h"

#include "rocksdb/options.h"

namespace handin::storage {

rocksdb::Options ToRocksOptions(const StoreOptions& options) {
  rocksdb::Options rocks;
  rocks.create_if_missing = true;
  // Memory: chunk bytes pass through memtables on their way to disk, so the
  // memtable budget is what a 1 GiB upload costs in RAM, not its size;
  // when it is full RocksDB stalls writes, which stalls StartRead, which
  // stalls the client (gRPC flow control).
  rocks.write_buffer_size = options.write_buffer_bytes;
  rocks.max_write_buffer_number = options.max_write_buffers;
  // Chunk bytes are also in the WAL until their memtable is flushed; cap
  // the WAL so old logs are flushed and dropped rather than piling up.
  rocks.max_total_wal_size = 4 * options.write_buffer_bytes;
  rocks.max_open_files = options.max_open_files;
  // Values of 4 KiB and more (every chunk; never a record or index entry)
  // go to blob files: compaction then rewrites only small keys and
  // pointers instead of every uploaded byte again and again. Submissions
  // are mostly PDFs and zips, already compressed, so blobs are stored raw.
  // Garbage collection reclaims the space of deleted (aborted or
  // deduplicated) chunks as compaction passes over them.
  rocks.enable_blob_files = true;
  rocks.min_blob_size = 4096;
  rocks.blob_compression_type = rocksdb::kNoCompression;
  rocks.enable_blob_garbage_collection = true;
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

}  // namespace handin::storage
