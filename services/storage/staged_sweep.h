#ifndef HANDIN_SERVICES_STORAGE_STAGED_SWEEP_H_
#define HANDIN_SERVICES_STORAGE_STAGED_SWEEP_H_

#include <cstdint>

namespace handin::storage {

// What a sweep (SubmissionStore::SweepStaged) found and did.
struct SweepResult {
  // Highest upload id named by a manifest, a staging entry or a chunk key
  // (0: none), so new uploads can start above it and never write into an
  // old upload's keys.
  uint64_t max_upload_id = 0;
  // Number of blob manifests (distinct committed contents).
  int blobs = 0;
  // Resumable uploads left staged (within the grace period, or open).
  int staged_kept = 0;
  // Resumable uploads past the grace period, deleted with their chunks.
  int staged_expired = 0;
  // Uploads whose chunks nothing owned, deleted.
  int orphans_deleted = 0;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_STAGED_SWEEP_H_
