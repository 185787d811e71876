#ifndef HANDIN_SERVICES_STORAGE_STAGED_SWEEP_H_
#define HANDIN_SERVICES_STORAGE_STAGED_SWEEP_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace handin::storage {

// What a sweep found.
struct SweepResult {
  // Highest upload id named by a manifest or a chunk key (0: none), so new
  // uploads can start above it and never write into an old upload's keys.
  uint64_t max_upload_id = 0;
  // Number of blob manifests (distinct committed contents).
  int blobs = 0;
  // Number of uncommitted uploads whose chunks were deleted.
  int swept_uploads = 0;
};

// Deletes the chunks of every upload that no blob manifest names: uploads
// cut off by a crash, or whose abort was lost. Must run before any upload
// starts (SubmissionStore::Open). Reads one key per upload, not every
// chunk. The deletion is unsynced: if it is lost, the next sweep redoes it.
// DATA_LOSS for a malformed manifest or chunk key.
absl::StatusOr<SweepResult> SweepStagedChunks(rocksdb::DB& db);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_STAGED_SWEEP_H_
