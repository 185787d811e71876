#ifndef HANDIN_SERVICES_STORAGE_STORE_OPTIONS_H_
#define HANDIN_SERVICES_STORAGE_STORE_OPTIONS_H_

#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"

namespace rocksdb {
struct Options;
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
  // RocksDB memtable size. Up to max_write_buffers memtables of unflushed
  // data (chunks included) sit in memory before writes stall, which is what
  // bounds memory during large uploads. Default 32 MiB.
  size_t write_buffer_bytes = size_t{32} << 20;
  // Memtables kept before writes stall. Default 3.
  int max_write_buffers = 3;
  // Files RocksDB keeps open at once (-1: all). Default 256, well under a
  // container's usual descriptor limit.
  int max_open_files = 256;
  // How long a resumable upload's staged bytes are kept after its last
  // chunk (by the store's clock) before SweepStaged deletes them. Default
  // 1 h: long enough to reconnect after a dropped link or a laptop lid.
  absl::Duration staged_grace = absl::Hours(1);
};

// Returns the RocksDB options a store opens its database with; the
// definition explains each choice.
rocksdb::Options ToRocksOptions(const StoreOptions& options);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_STORE_OPTIONS_H_
