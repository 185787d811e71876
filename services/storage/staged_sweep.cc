#include "services/storage/staged_sweep.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"

namespace handin::storage {

absl::StatusOr<SweepResult> SweepStagedChunks(rocksdb::DB& db) {
  // Every upload a manifest names holds committed bytes.
  absl::flat_hash_set<uint64_t> referenced;
  uint64_t max_upload_id = 0;
  const std::string blob_prefix = keys::BlobPrefix();
  const std::string blob_end = keys::PrefixEnd(blob_prefix);
  const rocksdb::Slice blob_end_slice(blob_end);
  rocksdb::ReadOptions blob_read;
  blob_read.iterate_upper_bound = &blob_end_slice;
  std::unique_ptr<rocksdb::Iterator> blobs(db.NewIterator(blob_read));
  for (blobs->Seek(blob_prefix); blobs->Valid(); blobs->Next()) {
    absl::StatusOr<keys::BlobManifest> manifest =
        keys::DecodeManifest(ToStringView(blobs->value()));
    if (!manifest.ok()) return manifest.status();
    referenced.insert(manifest->upload_id);
    max_upload_id = std::max(max_upload_id, manifest->upload_id);
  }
  absl::Status status = FromRocksStatus(blobs->status(), "listing blobs");
  if (!status.ok()) return status;

  // Visit one key per upload: after the first chunk of an upload, seek past
  // the rest of it, so the sweep reads O(uploads), not O(bytes).
  const std::string chunk_prefix = keys::ChunkPrefix();
  const std::string chunk_end = keys::PrefixEnd(chunk_prefix);
  const rocksdb::Slice chunk_end_slice(chunk_end);
  rocksdb::ReadOptions chunk_read;
  chunk_read.iterate_upper_bound = &chunk_end_slice;
  chunk_read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> chunks(db.NewIterator(chunk_read));
  rocksdb::WriteBatch sweep;
  int swept = 0;
  for (chunks->Seek(chunk_prefix); chunks->Valid();) {
    absl::StatusOr<keys::ChunkKeyParts> parts =
        keys::ParseChunkKey(ToStringView(chunks->key()));
    if (!parts.ok()) return parts.status();
    max_upload_id = std::max(max_upload_id, parts->upload_id);
    const std::string upload_prefix = keys::UploadChunkPrefix(parts->upload_id);
    const std::string upload_end = keys::PrefixEnd(upload_prefix);
    if (!referenced.contains(parts->upload_id)) {
      sweep.DeleteRange(upload_prefix, upload_end);
      ++swept;
    }
    chunks->Seek(upload_end);
  }
  status = FromRocksStatus(chunks->status(), "listing staged chunks");
  if (!status.ok()) return status;
  if (swept > 0) {
    // Unsynced: if this is lost, the next start sweeps again.
    status = FromRocksStatus(db.Write(rocksdb::WriteOptions(), &sweep),
                             "deleting staged chunks");
    if (!status.ok()) return status;
  }
  return SweepResult{max_upload_id, static_cast<int>(referenced.size()), swept};
}

}  // namespace handin::storage
