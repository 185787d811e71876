#ifndef HANDIN_SERVICES_STORAGE_STORE_OPTIONS_H_
#define HANDIN_SERVICES_STORAGE_STORE_OPTIONS_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rocksdb {
struct ColumnFamilyOptions;
struct DBOptions;
}  // namespace rocksdb

namespace handin::storage {

// Tunables of a SubmissionStore.
struct StoreOptions {
  // Largest chunk AppendChunk accepts, in bytes. Default 4 MiB (gRPC's
  // default maximum message size; uploads use 64 KiB to 1 MiB).
  int64_t max_chunk_bytes = int64_t{4} << 20;
  // Largest blob one upload may grow to, in bytes. Default 8 GiB: a sanity
  // bound; intake enforces each item's real limit.
  int64_t max_blob_bytes = int64_t{8} << 30;
  // RocksDB memtable size of the blobs column family. Up to
  // max_write_buffers memtables of unflushed data (chunks included) sit in
  // memory before writes stall, which is what bounds memory during large
  // uploads; the memtables of all families together are capped at
  // write_buffer_bytes * max_write_buffers. Default 16 MiB: with 32,
  // intake and storage together peaked at 246-271 MiB in the heavy mixed
  // rush, over the 256 MiB target in 6 runs of 10; with 16, at 222-232 MiB
  // in 7 runs, for 10-16 % less large-upload throughput
  // (docs/benchmarks.md). handin-storage's --memtable_mib sets it.
  size_t write_buffer_bytes = size_t{16} << 20;
  // Memtables kept before writes stall. Default 2: with 3 (of 32 MiB each),
  // intake and storage together peaked at 259-285 MiB in the mixed deadline
  // rush, over the 256 MiB target; with 2, 252-256 MiB, and 240-242 MiB with
  // the servers' idle malloc_trim, at no measurable cost to large uploads
  // (docs/benchmarks.md).
  int max_write_buffers = 2;
  // Files RocksDB keeps open at once (-1: all). Default 256, well under a
  // container's usual descriptor limit.
  int max_open_files = 256;
  // How long a resumable upload's staged bytes are kept after its last
  // chunk (by the store's clock) before SweepStaged deletes them. Default
  // 1 h: long enough to reconnect after a dropped link or a laptop lid.
  absl::Duration staged_grace = absl::Hours(1);
};

// Returns the RocksDB options a store opens its database with, and those of
// its column family `family` (database.h); the definitions explain each
// choice.
rocksdb::DBOptions ToDbOptions(const StoreOptions& options);
rocksdb::ColumnFamilyOptions ToColumnFamilyOptions(const StoreOptions& options,
                                                   absl::string_view family);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_STORE_OPTIONS_H_
