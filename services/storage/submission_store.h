#ifndef HANDIN_SERVICES_STORAGE_SUBMISSION_STORE_H_
#define HANDIN_SERVICES_STORAGE_SUBMISSION_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/sha256.h"
#include "handin/common/v1/common.pb.h"
#include "handin/storage/v1/storage_service.pb.h"
#include "services/storage/audit_log.h"
#include "services/storage/blob_reader.h"
#include "services/storage/database.h"
#include "services/storage/extension_store.h"
#include "services/storage/id_allocator.h"
#include "services/storage/refusal_store.h"
#include "services/storage/staged_sweep.h"
#include "services/storage/store_options.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace handin::storage {

class SubmissionStore;

// Longest idempotency key accepted, in bytes.
inline constexpr size_t kMaxIdempotencyKeyBytes = 128;

// One upload in progress: made by SubmissionStore::BeginUpload, fed with
// AppendChunk, finished by Commit, Abort or Release. Destroying an upload
// that is still open releases it. Not thread-safe: one stream feeds one
// upload, one call at a time. Must not outlive its store.
class Upload {
 public:
  ~Upload();
  Upload(const Upload&) = delete;
  Upload& operator=(const Upload&) = delete;

  const std::string& course_id() const { return course_id_; }
  // Bytes appended so far (a resumed upload starts at its resume offset):
  // the offset the next chunk must have.
  int64_t bytes_received() const { return bytes_received_; }
  // True until Commit, Abort or Release has been called.
  bool is_open() const { return open_; }
  // True if the upload keeps its staged bytes when released (PutHeader
  // with `resumable`).
  bool resumable() const { return !staged_key_.empty(); }

 private:
  friend class SubmissionStore;
  Upload(SubmissionStore* store, std::string course_id, uint64_t id)
      : store_(store), course_id_(std::move(course_id)), id_(id) {}

  SubmissionStore* const store_;
  const std::string course_id_;
  const uint64_t id_;
  int64_t bytes_received_ = 0;
  Sha256 hasher_;
  bool open_ = true;
  // Resumable uploads only: the staging entry's key, and the upload as
  // declared, with its progress as last written to the entry.
  std::string staged_key_;
  v1::StagedUpload staged_;
};

// What QueryUpload found under an idempotency key: at most one is set.
struct UploadQuery {
  // A resumable upload staged under the key, with staged_bytes and
  // last_write_at.
  std::optional<v1::StagedUpload> staged;
  // The submission the key names.
  std::optional<handin::common::v1::SubmissionRecord> record;
};

// Durable, content-addressed storage of submissions in one RocksDB
// database (key layout: services/storage/keys.h).
//
// Promise: once Commit returns a record, its bytes, record, indexes and
// SUBMISSION_ACCEPTED audit event are on disk (one synced WriteBatch) and
// survive a crash at any moment; before that nothing of the upload is
// visible to Get, List or OpenBlob. Blobs are stored once per distinct
// SHA-256 however many submissions share them. At most one submission is
// stored per (course, principal, idempotency key).
//
// The same database holds the extensions, the refused attempts and the one
// audit log that chains all their changes (extensions(), refusals(),
// audit()).
//
// Thread-safe: any number of uploads and reads may run concurrently.
// Errors are returned, never thrown.
class SubmissionStore {
 public:
  // Opens (creating if missing) the database in `dir` and sweeps staged
  // bytes as SweepStaged does (nothing is open yet): a process killed
  // mid-upload leaves them; resumable uploads within the grace period are
  // kept. Submission ids take their instant from `clock`, which must
  // outlive the store. Errors name the directory: those of Database::Open
  // (FAILED_PRECONDITION if `dir` cannot be created, another process has
  // the database open, or it has the older layout; DATA_LOSS if it is
  // corrupt), and DATA_LOSS if the sweep or the audit log cannot read what
  // they need.
  static absl::StatusOr<std::unique_ptr<SubmissionStore>> Open(
      const std::string& dir, const Clock& clock,
      const StoreOptions& options = StoreOptions());

  // Closes the database. Every Upload and BlobReader must be gone.
  ~SubmissionStore();
  SubmissionStore(const SubmissionStore&) = delete;
  SubmissionStore& operator=(const SubmissionStore&) = delete;

  // Starts an upload for `course_id`. Writes nothing. INVALID_ARGUMENT if
  // the course id is empty or contains a NUL byte.
  absl::StatusOr<std::unique_ptr<Upload>> BeginUpload(
      absl::string_view course_id);

  // Starts the upload a PutSubmission header describes: as above without
  // `resumable`, otherwise a resumable upload (staged_uploads.cc):
  //   - resume_offset 0 writes a new staging entry (started_at from the
  //     header, staged_bytes 0), discarding an upload staged under the
  //     same key and its bytes;
  //   - resume_offset > 0 continues the staged upload: its chunks keep
  //     their upload id, and the staged bytes are read back and hashed
  //     before this returns (so it costs a read of them).
  // INVALID_ARGUMENT for resume_offset < 0, resume_offset > 0 without
  // `resumable`, or a `resumable` that ValidateResumable rejects.
  // FAILED_PRECONDITION when another open upload holds the key ("another
  // upload with this key is in progress"), or, on a resume, when nothing is
  // staged under the key, resume_offset is not the staged byte count, or
  // the header differs from the staged upload (CheckSameUpload; started_at
  // included, so a resume must send the original started_at, which
  // QueryUpload returns); messages name both values. DATA_LOSS if the
  // staged chunks are not the staged byte count from offset 0 (start over
  // with resume_offset 0).
  absl::StatusOr<std::unique_ptr<Upload>> BeginUpload(
      const v1::PutHeader& header);

  // Returns what the idempotency key names for (course, principal): the
  // submission if one is committed, else the resumable upload staged under
  // it, else neither. INVALID_ARGUMENT for an empty argument or a NUL byte.
  absl::StatusOr<UploadQuery> QueryUpload(absl::string_view course_id,
                                          absl::string_view principal,
                                          absl::string_view idempotency_key);

  // Appends `data`, which must start at `offset` == upload.bytes_received().
  // The bytes are written (unsynced; invisible until Commit) and hashed.
  // INVALID_ARGUMENT, naming the expected and the given offset, for a wrong
  // offset, or for a chunk or blob over the StoreOptions limits (or, when
  // resumable, past the declared size); the upload is unchanged then.
  // FAILED_PRECONDITION if the upload is no longer open. A resumable
  // upload's staging entry (staged_bytes, last_write_at from the clock) is
  // updated in the chunk's WriteBatch.
  absl::Status AppendChunk(Upload& upload, int64_t offset,
                           absl::string_view data);

  // Commits the upload as `record` and returns it with `submission_id`
  // (and, if empty, `course_id`) filled in. The id is the commit instant
  // from the clock (IdAllocator), strictly increasing within a course, so
  // ids sort by commit time. Writes the blob manifest (unless a blob with
  // that SHA-256 exists: then the new chunks are deleted instead), the
  // record, both indexes, the idempotency entry (when the record has a key)
  // and a SUBMISSION_ACCEPTED audit event in one synced WriteBatch; the
  // record returned and stored carries the event's instant (committed_at),
  // sequence and hash.
  //
  // Idempotency, decided under a per-key lock so concurrent commits with
  // one key store one record: if the record's idempotency_key already names
  // a submission of its (course, principal) with the same item, size and
  // SHA-256, returns that submission, sets `*replayed` (if given) and
  // stores nothing; if it names one with other content, ALREADY_EXISTS
  // naming the key and both SHA-256s.
  //
  // INVALID_ARGUMENT for a malformed record: submission_id set, course_id
  // not the upload's, item_id or principal empty, sha256_hex not 64
  // lower-case hex digits, an idempotency key over kMaxIdempotencyKeyBytes
  // or with a NUL byte; for a resumable upload, a principal, item, size,
  // SHA-256 or idempotency key other than the header declared. DATA_LOSS,
  // naming both values, if the bytes received do not have the record's
  // size_bytes or sha256_hex. FAILED_PRECONDITION if the upload is no
  // longer open. Whatever the outcome the upload is closed; unless a new
  // record was stored its staged chunks (and staging entry) are deleted; a
  // resumable upload's staging entry is deleted in the commit's batch.
  absl::StatusOr<handin::common::v1::SubmissionRecord> Commit(
      Upload& upload, handin::common::v1::SubmissionRecord record,
      bool* replayed = nullptr);

  // Returns the submission that `idempotency_key` names for (course,
  // principal), or nullopt. INVALID_ARGUMENT for an empty argument or a NUL
  // byte in one.
  absl::StatusOr<std::optional<handin::common::v1::SubmissionRecord>>
  FindByIdempotencyKey(absl::string_view course_id, absl::string_view principal,
                       absl::string_view idempotency_key);

  // Closes the upload and deletes its staged chunks and staging entry
  // (unsynced: if that is lost in a crash, a sweep finishes it). No-op if
  // the upload is no longer open.
  absl::Status Abort(Upload& upload);

  // Closes an upload whose stream ended without a commit: a resumable
  // upload keeps its staged bytes and staging entry (for a resume, or the
  // sweep once past the grace period); any other is aborted. No-op if the
  // upload is no longer open.
  absl::Status Release(Upload& upload);

  // Deletes staged bytes nobody can commit any more: resumable uploads
  // whose last_write_at is more than StoreOptions::staged_grace before the
  // clock's now (staging entry and chunks), and chunks that no manifest,
  // staging entry or open upload owns (an upload cut off by a crash). Never
  // touches an open upload or a committed blob. Safe to run while uploads
  // and commits run (staged_sweep.cc says why). Logs a line when it deleted
  // something. DATA_LOSS for a malformed manifest, chunk key or staging
  // entry.
  absl::StatusOr<SweepResult> SweepStaged();

  // Returns one record. NOT_FOUND if the course has no such submission;
  // INVALID_ARGUMENT for an empty id.
  absl::StatusOr<handin::common::v1::SubmissionRecord> Get(
      absl::string_view course_id, absl::string_view submission_id);

  // Returns the course's submissions, oldest first, only those of
  // `item_id` and/or by `principal` when these are non-empty.
  // INVALID_ARGUMENT for an empty course id or a NUL byte in any argument.
  // Unpaginated for now: a course's whole list is built in memory.
  absl::StatusOr<std::vector<handin::common::v1::SubmissionRecord>> List(
      absl::string_view course_id, absl::string_view item_id,
      absl::string_view principal);

  // Returns a reader of the submission's bytes in pieces of at most
  // `piece_bytes`, which verifies them against the record (see
  // BlobReader). NOT_FOUND as Get; DATA_LOSS if the blob's manifest is
  // missing or does not match the record.
  absl::StatusOr<std::unique_ptr<BlobReader>> OpenBlob(
      absl::string_view course_id, absl::string_view submission_id,
      size_t piece_bytes);

  // The deadline extensions kept in the same database.
  ExtensionStore& extensions() { return *extensions_; }
  // The refused attempts kept in the same database.
  RefusalStore& refusals() { return *refusals_; }
  // The audit log of every change to the database.
  AuditLog& audit() { return *audit_; }
  // The database and the clock, for stores kept beside this one in the
  // same database (GradeStore).
  Database& database() { return *db_; }
  const Clock& clock() const { return clock_; }

 private:
  SubmissionStore(std::unique_ptr<Database> db, const Clock& clock,
                  const StoreOptions& options);

  // Returns the stored submission `record`'s idempotency key names:
  // nullopt if none, the existing record if it has the same content,
  // ALREADY_EXISTS if not.
  absl::StatusOr<std::optional<handin::common::v1::SubmissionRecord>>
  FindReplay(const handin::common::v1::SubmissionRecord& record);
  // Writes the new submission `record` (id assigned) of `upload`: blob
  // manifest or dedupe, record, indexes, idempotency entry and audit event.
  // Returns the record as stored: with committed_at, audit_sequence and
  // audit_hash_hex of its audit event.
  absl::StatusOr<handin::common::v1::SubmissionRecord> WriteSubmission(
      const Upload& upload, handin::common::v1::SubmissionRecord record);
  // Marks `upload` closed and no longer live.
  void Close(Upload& upload);
  // Makes an upload with a fresh id, registered live.
  std::unique_ptr<Upload> NewUpload(std::string course_id);
  // BeginUpload of a resumable header whose key is registered in
  // live_staged_keys_ (staged_uploads.cc).
  absl::StatusOr<std::unique_ptr<Upload>> BeginResumable(
      const v1::StagedUpload& declared, int64_t resume_offset,
      const std::string& staged_key);
  // Feeds the staged chunks of `upload` to its hasher; DATA_LOSS unless
  // they are exactly `staged_bytes` bytes from offset 0.
  absl::Status RehashStaged(Upload& upload, int64_t staged_bytes);
  // Writes `upload`'s staging entry (progress and last_write_at = now) to
  // `batch`.
  void PutStagedEntry(Upload& upload, rocksdb::WriteBatch& batch);
  // Deletes the chunks of `upload_id` (and the staging entry `staged_key`
  // if not empty), unsynced.
  absl::Status DeleteStaged(uint64_t upload_id, const std::string& staged_key);
  absl::StatusOr<handin::common::v1::SubmissionRecord> ReadRecord(
      const std::string& key, absl::string_view course_id,
      absl::string_view submission_id);
  // Appends to `out` the records whose ids are the suffixes of the index
  // keys under `prefix`, only those by `principal_filter` if it is set.
  absl::Status ListIndex(
      const std::string& prefix, absl::string_view course_id,
      absl::string_view principal_filter,
      std::vector<handin::common::v1::SubmissionRecord>* out);

  // Closed last, by the destructor, once nothing uses it.
  std::unique_ptr<Database> db_;
  const Clock& clock_;
  const StoreOptions options_;
  // Set by Open; hold no RocksDB resources of their own.
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<IdAllocator> ids_;
  std::unique_ptr<ExtensionStore> extensions_;
  std::unique_ptr<RefusalStore> refusals_;

  absl::Mutex mu_;
  uint64_t next_upload_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Ids of the open uploads, whose chunks a sweep must not touch.
  absl::flat_hash_set<uint64_t> live_upload_ids_ ABSL_GUARDED_BY(mu_);
  // Staging entry keys of the open resumable uploads: one stream per key.
  absl::flat_hash_set<std::string> live_staged_keys_ ABSL_GUARDED_BY(mu_);
  // SHA-256s of commits between their blob lookup and their write: a second
  // commit of the same bytes waits, then finds the blob and shares it.
  absl::flat_hash_set<std::string> committing_blobs_ ABSL_GUARDED_BY(mu_);
  // Idempotency entries (keys::IdempotencyKey) of commits between their
  // lookup and their write: a second commit with the same key waits, then
  // finds the first one's record.
  absl::flat_hash_set<std::string> committing_keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_SUBMISSION_STORE_H_
