#ifndef HANDIN_SERVICES_STORAGE_STAGED_UPLOADS_H_
#define HANDIN_SERVICES_STORAGE_STAGED_UPLOADS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handin/storage/v1/storage_service.pb.h"

// The staging entry of a resumable upload (key keys::StagedUploadKey): the
// upload id its chunks are written under, and the upload as its first
// header declared it, with storage's progress (staged_bytes, the
// contiguous bytes from offset 0, and last_write_at). It is written when
// the upload starts and in the same WriteBatch as each chunk, so after a
// crash it always agrees with the chunks; it is deleted in the commit's
// batch, by a restart at offset 0 (with the old chunks), by an abort, and
// by the sweep once last_write_at is older than the grace period.
namespace handin::storage {

struct StagedEntry {
  // The upload whose chunks (keys::UploadChunkPrefix) hold the bytes.
  uint64_t upload_id = 0;
  v1::StagedUpload upload;
};

// Encodes as a version byte (1), the upload id (8 bytes, big-endian), then
// the serialized StagedUpload.
std::string EncodeStagedEntry(const StagedEntry& entry);
// DataLoss if `value` is not an encoded staging entry.
absl::StatusOr<StagedEntry> DecodeStagedEntry(absl::string_view value);

// Returns OK if `declared` is a complete `resumable` header for course
// `course_id`: course_id equal to it, principal, idempotency_key and
// item_id valid key components (the key at most kMaxIdempotencyKeyBytes),
// size_bytes >= 0, sha256_hex 64 lower-case hex digits, started_at set.
// Otherwise INVALID_ARGUMENT naming the first bad field.
absl::Status ValidateResumable(const v1::StagedUpload& declared,
                               absl::string_view course_id);

// Returns OK if `resumed` declares the same upload as `staged`: equal
// course, principal, idempotency key, item, size, SHA-256 and started_at.
// Otherwise FAILED_PRECONDITION naming the first differing field and both
// values.
absl::Status CheckSameUpload(const v1::StagedUpload& staged,
                             const v1::StagedUpload& resumed);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_STAGED_UPLOADS_H_
