// SubmissionStore::SweepStaged: garbage collection of staged bytes.
//
// Why it is safe while uploads run: the sweep takes a RocksDB snapshot and
// copies the set of open upload ids in one hold of the store's mutex. A
// commit writes its manifest before it closes its upload (under the
// mutex), so an upload that is not open at the snapshot and whose chunks no
// manifest or staging entry in the snapshot owns was cut off (a crash, a
// lost abort) and can never be owned again: only resumable uploads reopen,
// through their staging entry. Expired staging entries are decided on
// their current value, under the mutex, and a resume registers its key
// under the mutex before it reads the entry, so an entry is never deleted
// under an open stream.

#include "services/storage/staged_sweep.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_set.h"
#include "common/proto_time.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"
#include "services/storage/staged_uploads.h"
#include "services/storage/submission_store.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

// The staged state of the database as of one snapshot.
struct StagedScan {
  // Upload ids that blob manifests name: committed bytes.
  absl::flat_hash_set<uint64_t> committed;
  // Staging entries by key.
  std::vector<std::pair<std::string, StagedEntry>> entries;
  // Ids of the uploads that have chunks.
  std::vector<uint64_t> chunk_uploads;
  uint64_t max_upload_id = 0;
};

// Calls `visit(key, value)` for each entry under `prefix`, stopping at the
// first error `visit` returns.
template <typename Visit>
absl::Status ForEachUnder(Database& db, const rocksdb::Snapshot* snapshot,
                          const std::string& prefix, absl::string_view what,
                          Visit visit) {
  const std::string end = keys::PrefixEnd(prefix);
  const rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db.db().NewIterator(read, db.blobs()));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    absl::Status status =
        visit(ToStringView(it->key()), ToStringView(it->value()));
    if (!status.ok()) return status;
  }
  return FromRocksStatus(it->status(), what);
}

absl::StatusOr<StagedScan> ScanStaged(Database& db,
                                      const rocksdb::Snapshot* snapshot) {
  StagedScan scan;
  absl::Status status = ForEachUnder(
      db, snapshot, keys::BlobPrefix(), "listing blobs",
      [&](absl::string_view, absl::string_view value) {
        absl::StatusOr<keys::BlobManifest> manifest =
            keys::DecodeManifest(value);
        if (!manifest.ok()) return manifest.status();
        scan.committed.insert(manifest->upload_id);
        scan.max_upload_id = std::max(scan.max_upload_id, manifest->upload_id);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  status = ForEachUnder(
      db, snapshot, keys::StagedPrefix(), "listing staged uploads",
      [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<StagedEntry> entry = DecodeStagedEntry(value);
        if (!entry.ok()) return entry.status();
        scan.max_upload_id = std::max(scan.max_upload_id, entry->upload_id);
        scan.entries.emplace_back(std::string(key), *std::move(entry));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;

  // Visit one key per upload: after the first chunk of an upload, seek past
  // the rest of it, so the sweep reads O(uploads), not O(bytes).
  const std::string chunk_prefix = keys::ChunkPrefix();
  const std::string chunk_end = keys::PrefixEnd(chunk_prefix);
  const rocksdb::Slice chunk_end_slice(chunk_end);
  rocksdb::ReadOptions chunk_read;
  chunk_read.snapshot = snapshot;
  chunk_read.iterate_upper_bound = &chunk_end_slice;
  chunk_read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> chunks(
      db.db().NewIterator(chunk_read, db.blobs()));
  for (chunks->Seek(chunk_prefix); chunks->Valid();) {
    absl::StatusOr<keys::ChunkKeyParts> parts =
        keys::ParseChunkKey(ToStringView(chunks->key()));
    if (!parts.ok()) return parts.status();
    scan.max_upload_id = std::max(scan.max_upload_id, parts->upload_id);
    scan.chunk_uploads.push_back(parts->upload_id);
    chunks->Seek(keys::PrefixEnd(keys::UploadChunkPrefix(parts->upload_id)));
  }
  status = FromRocksStatus(chunks->status(), "listing staged chunks");
  if (!status.ok()) return status;
  return scan;
}

void DeleteChunksOf(Database& db, uint64_t upload_id,
                    rocksdb::WriteBatch& batch) {
  const std::string prefix = keys::UploadChunkPrefix(upload_id);
  batch.DeleteRange(db.blobs(), prefix, keys::PrefixEnd(prefix));
}

}  // namespace

absl::StatusOr<SweepResult> SubmissionStore::SweepStaged() {
  const rocksdb::Snapshot* snapshot = nullptr;
  absl::flat_hash_set<uint64_t> open_at_snapshot;
  {
    absl::MutexLock lock(&mu_);
    snapshot = db_->db().GetSnapshot();
    open_at_snapshot = live_upload_ids_;
  }
  absl::Cleanup release = [&] { db_->db().ReleaseSnapshot(snapshot); };
  absl::StatusOr<StagedScan> scan = ScanStaged(*db_, snapshot);
  if (!scan.ok()) return scan.status();

  SweepResult result;
  result.max_upload_id = scan->max_upload_id;
  result.blobs = static_cast<int>(scan->committed.size());
  absl::flat_hash_set<uint64_t> owned = scan->committed;
  for (const auto& [key, entry] : scan->entries) owned.insert(entry.upload_id);
  rocksdb::WriteBatch batch;
  for (uint64_t upload_id : scan->chunk_uploads) {
    if (owned.contains(upload_id) || open_at_snapshot.contains(upload_id)) {
      continue;
    }
    DeleteChunksOf(*db_, upload_id, batch);
    ++result.orphans_deleted;
  }

  const absl::Time now = clock_.Now();
  const auto expired = [&](const StagedEntry& entry) {
    return now - FromProtoTimestamp(entry.upload.last_write_at()) >
           options_.staged_grace;
  };
  absl::MutexLock lock(&mu_);
  for (const auto& [key, snapshot_entry] : scan->entries) {
    // last_write_at only moves forward, so an entry fresh in the snapshot
    // is fresh now; one stale in the snapshot is judged on its value now.
    if (live_staged_keys_.contains(key) || !expired(snapshot_entry)) {
      ++result.staged_kept;
      continue;
    }
    std::string value;
    rocksdb::Status found =
        db_->db().Get(rocksdb::ReadOptions(), db_->blobs(), key, &value);
    if (found.IsNotFound()) continue;  // committed or aborted meanwhile
    if (!found.ok()) return FromRocksStatus(found, "reading a staged upload");
    absl::StatusOr<StagedEntry> entry = DecodeStagedEntry(value);
    if (!entry.ok()) return entry.status();
    if (!expired(*entry)) {
      ++result.staged_kept;
      continue;
    }
    batch.Delete(db_->blobs(), key);
    DeleteChunksOf(*db_, entry->upload_id, batch);
    ++result.staged_expired;
  }
  if (batch.Count() == 0) return result;
  // Unsynced: if this is lost in a crash, the next sweep redoes it.
  absl::Status status =
      FromRocksStatus(db_->db().Write(rocksdb::WriteOptions(), &batch),
                      "deleting staged bytes");
  if (!status.ok()) return status;
  spdlog::info(
      "event=staged_swept data_dir={} staged_expired={} orphans_deleted={} "
      "staged_kept={} grace_s={}",
      db_->dir(), result.staged_expired, result.orphans_deleted,
      result.staged_kept, absl::ToInt64Seconds(options_.staged_grace));
  return result;
}

}  // namespace handin::storage
