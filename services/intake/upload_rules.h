#ifndef HANDIN_SERVICES_INTAKE_UPLOAD_RULES_H_
#define HANDIN_SERVICES_INTAKE_UPLOAD_RULES_H_

// The pure rules of an upload: what a metadata message must say, in which
// order messages may come, how chunks must line up, and how the answers of
// the services intake calls become the status a student sees. No gRPC, no
// I/O, no clock: everything here is decided from its arguments.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "handin/common/v1/common.pb.h"
#include "handin/intake/v1/intake_service.pb.h"

namespace handin::intake {

// Where an upload stream stands.
enum class UploadPhase {
  // Nothing accepted yet; the next message must be the metadata.
  kAwaitingMetadata,
  // Metadata accepted; chunks and then a finish may follow.
  kReceivingChunks,
};

// Returns OK if `request` may arrive in `phase`: metadata only first, chunks
// and the finish only after it. FailedPrecondition for a chunk or a finish
// before the metadata ("chunk before metadata") or a second metadata;
// InvalidArgument for a message with no kind set.
absl::Status CheckMessageOrder(UploadPhase phase,
                               const v1::UploadRequest& request);

// Longest idempotency key accepted, in bytes (storage's limit too).
inline constexpr size_t kMaxIdempotencyKeyBytes = 128;

// Returns OK if `metadata` can open an upload: course and item ids set, a
// file name that is a plain base name (no '/', not "." or "..", no NUL),
// 0 <= size_bytes <= max_file_bytes, sha256_hex 64 lower-case hex digits,
// an idempotency key (if any) of at most kMaxIdempotencyKeyBytes printable
// ASCII characters without spaces, and 0 <= resume_offset <= size_bytes,
// with a key when resume_offset > 0. Otherwise InvalidArgument naming the
// field and what to do.
absl::Status ValidateMetadata(const v1::UploadMetadata& metadata,
                              int64_t max_file_bytes);

// Returns OK if `existing`, the submission the upload's idempotency key
// already names, holds what `metadata` declares (same item, size and
// SHA-256), so the upload is a retry to answer with `existing`'s receipt.
// Otherwise AlreadyExists naming the key, the submission and both SHA-256s.
absl::Status CheckReplay(const v1::UploadMetadata& metadata,
                         const common::v1::SubmissionRecord& existing);

// Returns true if an upload that failed with `status` after its metadata
// was read is a refusal to record as evidence: the upload itself was wrong
// or not allowed (INVALID_ARGUMENT, FAILED_PRECONDITION, DATA_LOSS,
// ALREADY_EXISTS, NOT_FOUND, OUT_OF_RANGE, RESOURCE_EXHAUSTED,
// PERMISSION_DENIED), or it broke intake's idle or total time limit
// (DEADLINE_EXCEEDED; a peer's DEADLINE_EXCEEDED reaches the student as
// UNAVAILABLE through PeerError, so this code means the upload's own
// limit). False for OK, a client cancellation (CANCELLED: the student's own
// choice) and failures of the services themselves (UNAVAILABLE, INTERNAL,
// ...), which say nothing about the upload.
bool IsRecordedRefusal(const absl::Status& status);

// Follows the chunks of one upload: the first must start at
// `start_offset` (a resumed upload's resume_offset, else 0), each next one
// where the previous one ended, each at most `max_chunk_bytes` long, and the
// total must stay within the declared size. Not thread-safe.
class ChunkSequence {
 public:
  // 0 <= `start_offset` <= `declared_size` (ValidateMetadata checks it).
  ChunkSequence(int64_t declared_size, int64_t max_chunk_bytes,
                int64_t start_offset = 0);

  // Accepts the next chunk. InvalidArgument (with the expected and the
  // received offset, or the sizes involved) if its offset is not received(), if
  // it is longer than the chunk limit, or if it would take the total past the
  // declared size. A rejected chunk changes nothing.
  absl::Status Accept(const common::v1::Chunk& chunk);

  // OK when the bytes held reach exactly the declared size; DataLoss saying
  // how many arrived otherwise.
  absl::Status CheckComplete() const;

  // Bytes held from offset 0: the start offset plus the bytes accepted.
  int64_t received() const { return received_; }

 private:
  int64_t declared_size_;
  int64_t max_chunk_bytes_;
  int64_t received_;
};

// Returns OK if `verdict` lets the upload be stored (on time, or late
// whether counted or not: verdicts decide what counts, never what is kept).
// FailedPrecondition carrying the verdict's reason for REFUSED; Internal for
// a verdict with no kind, which the deadline service never sends.
absl::Status VerdictAllowsUpload(const common::v1::Verdict& verdict);

// Returns true if the pre-check's verdict (`precheck`, deadline's answer for
// started_at alone) is also the upload's final verdict, so intake need not
// ask deadline again: it is ON_TIME and the upload completed within the
// item's `completion_window` (deadline's; unknown when nullopt) of
// `started_at`. Deadline would then judge the same instant by the same
// rules; only staff changing an extension while the upload was in flight
// could change its answer, and an upload told it was on time when it
// started keeps that verdict (docs/course-policy.md, "Time"). Late verdicts
// are asked again at the finish: late days and extensions may have changed.
bool PrecheckVerdictStands(const common::v1::Verdict& precheck,
                           std::optional<absl::Duration> completion_window,
                           absl::Time started_at, absl::Time completed_at);

// Turns the failure of a call to another handin service (`service` is
// "deadline" or "storage") into the status intake answers with:
//   UNAVAILABLE, DEADLINE_EXCEEDED  -> UNAVAILABLE "<service> service
//                                      unreachable: ..." (retry later);
//   NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, DATA_LOSS,
//   RESOURCE_EXHAUSTED, ALREADY_EXISTS, OUT_OF_RANGE, ABORTED, CANCELLED
//                                   -> passed through unchanged (they are
//                                      about the student's request);
//   UNAUTHENTICATED, PERMISSION_DENIED, UNIMPLEMENTED, and anything else
//                                   -> INTERNAL "<service> service ...":
//                                      a deployment problem, not the
//                                      student's.
// OK stays OK.
absl::Status PeerError(absl::string_view service, const absl::Status& status);

// Formats a byte count for people: "17 bytes", "1.5 KiB", "512 MiB".
std::string HumanBytes(int64_t bytes);

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_UPLOAD_RULES_H_
