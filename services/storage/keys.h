#ifndef HANDIN_SERVICES_STORAGE_KEYS_H_
#define HANDIN_SERVICES_STORAGE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The RocksDB key layout of the storage service. Entries live in the column
// families of services/storage/database.h, grouped by what they hold (the
// default family stays empty; a database with keys there is of the older,
// single-family layout and is refused at Open). Within a family the first
// component still names the kind of entry, so a key read anywhere (a dump,
// a test) says what it is (ColumnFamilyOf). Components are joined with a
// NUL byte, which no id may contain (ValidateKeyComponent), so a prefix
// scan for course "eecs598" never strays into course "eecs598-w24", nor
// item "slides" into "slides/03-19". Numbers are 16 lower-case hex digits,
// so they sort numerically.
//
// blobs: content-addressed by SHA-256, chunked (no value over a chunk),
// each distinct content stored once.
//   blob\0<sha256 hex>                         -> BlobManifest (17 bytes)
//   chunk\0<upload id>\0<offset>               -> the bytes at that offset
//   staged\0<course>\0<principal>\0<key>       -> staging entry of a
//                                                resumable upload
// submissions:
//   sub\0<course>\0<submission id>             -> SubmissionRecord (proto)
// indexes:
//   by_item\0<course>\0<item>\0<submission id> -> "" (index)
//   by_principal\0<course>\0<principal>\0<id>  -> "" (index)
//   idem\0<course>\0<principal>\0<key>         -> submission id (index)
//   refusal_by_item\0<course>\0<item>\0<attempt id>    -> RefusedAttempt
//   refusal_by_principal\0<course>\0<principal>\0<id> -> RefusedAttempt
// refusals:
//   refusal\0<course>\0<attempt id>            -> RefusedAttempt (proto)
// extensions:
//   ext\0<course>\0<principal>\0<item>         -> Extension (proto)
// audit:
//   audit\0<sequence>                          -> AuditEvent (proto)
// grades (grade_store.h):
//   score\0<course>\0<principal>\0<item>      -> Score (proto)
//   attendance\0<course>\0<session>\0<student> -> Attendance (proto)
//   vote\0<course>\0<session>                  -> BestGroupVote (proto)
//   regrade\0<course>\0<regrade id>            -> Regrade (proto)
//
// There is no separate by-time index: submission ids are commit instants
// (IdAllocator), so a course's sub\0 keys already are its submissions in
// time order, and the by_item and by_principal indexes are time-ordered
// within their prefix. Each grade change (score, attendance, vote, regrade)
// is one synced WriteBatch with its audit event; regrade ids are instants
// like submission ids, so a course's regrades list in request order.
//
// A submission's record, both indexes, its idem entry (when it has a key),
// its blob manifest and its SUBMISSION_ACCEPTED audit event are one synced
// WriteBatch across the families; so are
// a refusal, its indexes and its ATTEMPT_REFUSED event, and an extension
// change and its event. Extensions are keyed principal first, so the
// deadline service's read on every verdict (one principal and their groups)
// is a prefix scan. The audit log is one sequence for the whole store, so it
// is one hash chain (services/storage/audit_chain.h); its events are only
// ever appended. Refusal indexes hold copies of the attempt (small, never
// changed), so a listing is one prefix scan.
//
// Chunks are written under the id of the upload that sent them and never
// move: committing an upload writes a manifest that names the upload, so a
// 1 GiB commit is a few hundred bytes of batch. A chunk is "staged" while no
// manifest names its upload; staged chunks are invisible to readers and
// are deleted on abort, on dedupe, and by SubmissionStore::SweepStaged (at
// Open and periodically). A resumable upload's staging entry owns its
// chunks until it commits, restarts, or outlives the grace period.
namespace handin::storage::keys {

// Returns the name of the column family (database.h) that keys of `key`'s
// kind live in; empty if `key` is of no kind above.
absl::string_view ColumnFamilyOf(absl::string_view key);

// Returns InvalidArgument naming `what` if `component` is empty or contains
// a NUL byte.
absl::Status ValidateKeyComponent(absl::string_view what,
                                  absl::string_view component);

// Returns OK for the arguments of a listing: a valid `course_id`, and
// `item_id` and `principal` each empty (no filter) or valid. Otherwise
// InvalidArgument naming the first bad one.
absl::Status ValidateListQuery(absl::string_view course_id,
                               absl::string_view item_id,
                               absl::string_view principal);

// Returns the smallest key greater than every key that starts with
// `prefix`; `prefix` must be non-empty and not end in 0xff (ours end in a
// NUL separator).
std::string PrefixEnd(absl::string_view prefix);

// blob\0<sha256_hex>
std::string BlobKey(absl::string_view sha256_hex);
// blob\0
std::string BlobPrefix();

// chunk\0
std::string ChunkPrefix();
// chunk\0<upload id>\0 — every chunk of one upload.
std::string UploadChunkPrefix(uint64_t upload_id);
// chunk\0<upload id>\0<offset>
std::string ChunkKey(uint64_t upload_id, int64_t offset);

// A chunk key taken apart.
struct ChunkKeyParts {
  uint64_t upload_id = 0;
  int64_t offset = 0;
};
// Returns the parts of a chunk key; DataLoss if `key` is not one.
absl::StatusOr<ChunkKeyParts> ParseChunkKey(absl::string_view key);

// sub\0<course>\0 and sub\0<course>\0<submission_id>
std::string SubmissionPrefix(absl::string_view course_id);
std::string SubmissionKey(absl::string_view course_id,
                          absl::string_view submission_id);

// by_item\0<course>\0<item>\0 and the same followed by the submission id.
std::string ItemIndexPrefix(absl::string_view course_id,
                            absl::string_view item_id);
std::string ItemIndexKey(absl::string_view course_id, absl::string_view item_id,
                         absl::string_view submission_id);

// by_principal\0<course>\0<principal>\0 and the same followed by the id.
std::string PrincipalIndexPrefix(absl::string_view course_id,
                                 absl::string_view principal);
std::string PrincipalIndexKey(absl::string_view course_id,
                              absl::string_view principal,
                              absl::string_view submission_id);

// ext\0<course>\0, ext\0<course>\0<principal>\0 and the full key.
std::string CourseExtensionPrefix(absl::string_view course_id);
std::string PrincipalExtensionPrefix(absl::string_view course_id,
                                     absl::string_view principal);
std::string ExtensionKey(absl::string_view course_id,
                         absl::string_view principal,
                         absl::string_view item_id);

// idem\0<course>\0<principal>\0<idempotency key>
std::string IdempotencyKey(absl::string_view course_id,
                           absl::string_view principal,
                           absl::string_view idempotency_key);

// staged\0 and staged\0<course>\0<principal>\0<idempotency key>: the
// staging entry of a resumable upload (staged_uploads.h).
std::string StagedPrefix();
std::string StagedUploadKey(absl::string_view course_id,
                            absl::string_view principal,
                            absl::string_view idempotency_key);

// refusal\0<course>\0 and refusal\0<course>\0<attempt id>
std::string RefusalPrefix(absl::string_view course_id);
std::string RefusalKey(absl::string_view course_id,
                       absl::string_view attempt_id);
// refusal_by_item\0<course>\0<item>\0 and the same followed by the id.
std::string RefusalItemIndexPrefix(absl::string_view course_id,
                                   absl::string_view item_id);
std::string RefusalItemIndexKey(absl::string_view course_id,
                                absl::string_view item_id,
                                absl::string_view attempt_id);
// refusal_by_principal\0<course>\0<principal>\0 and the same followed by
// the id.
std::string RefusalPrincipalIndexPrefix(absl::string_view course_id,
                                        absl::string_view principal);
std::string RefusalPrincipalIndexKey(absl::string_view course_id,
                                     absl::string_view principal,
                                     absl::string_view attempt_id);

// score\0<course>\0, score\0<course>\0<principal>\0 and the full key.
std::string CourseScorePrefix(absl::string_view course_id);
std::string PrincipalScorePrefix(absl::string_view course_id,
                                 absl::string_view principal);
std::string ScoreKey(absl::string_view course_id, absl::string_view principal,
                     absl::string_view item_id);

// attendance\0<course>\0, attendance\0<course>\0<session>\0 and the full
// key.
std::string CourseAttendancePrefix(absl::string_view course_id);
std::string SessionAttendancePrefix(absl::string_view course_id,
                                    absl::string_view session_id);
std::string AttendanceKey(absl::string_view course_id,
                          absl::string_view session_id,
                          absl::string_view student);

// vote\0<course>\0 and vote\0<course>\0<session>.
std::string CourseVotePrefix(absl::string_view course_id);
std::string VoteKey(absl::string_view course_id, absl::string_view session_id);

// regrade\0<course>\0 and regrade\0<course>\0<regrade id>.
std::string RegradePrefix(absl::string_view course_id);
std::string RegradeKey(absl::string_view course_id,
                       absl::string_view regrade_id);

// audit\0 and audit\0<sequence as 16 hex digits>.
std::string AuditPrefix();
std::string AuditKey(uint64_t sequence);
// Returns the sequence of an audit key; DataLoss if `key` is not one.
absl::StatusOr<uint64_t> ParseAuditKey(absl::string_view key);

// What a blob key points at: the upload whose chunks hold the bytes.
struct BlobManifest {
  uint64_t upload_id = 0;
  int64_t size_bytes = 0;
};
// Encodes as a version byte (1), then upload id and size, 8 bytes each,
// big-endian.
std::string EncodeManifest(const BlobManifest& manifest);
// DataLoss if `value` is not an encoded manifest.
absl::StatusOr<BlobManifest> DecodeManifest(absl::string_view value);

}  // namespace handin::storage::keys

#endif  // HANDIN_SERVICES_STORAGE_KEYS_H_
