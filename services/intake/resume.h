#ifndef HANDIN_SERVICES_INTAKE_RESUME_H_
#define HANDIN_SERVICES_INTAKE_RESUME_H_

// Resumable uploads in intake (IntakeService.Upload's "Resuming" and
// QueryWriteStatus in intake_service.proto). Storage keeps the bytes of an
// interrupted upload with an idempotency key staged under (course,
// principal, key); intake keeps its spool copy (SpoolFile::OpenResumable)
// for items it inspects. A resumed upload must repeat the first attempt's
// metadata and start where the staged bytes end, and it keeps the first
// attempt's started_at, so a connection dropped before the deadline does
// not make a submission late; the completion window still counts from
// that start.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handin/common/v1/common.pb.h"
#include "handin/intake/v1/intake_service.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/intake/intake_options.h"

namespace handin::intake {

// What a resumed upload continues.
struct Resumption {
  // Set when the key already names a stored submission with the upload's
  // item, size and SHA-256: the upload is answered with it (`replayed`).
  std::optional<common::v1::SubmissionRecord> stored;
  // When the first attempt's metadata was accepted (if `stored` is unset).
  absl::Time started_at;
};

// Decides whether `metadata` (resume_offset > 0) may resume what storage
// holds under its key (`held`, storage's QueryUpload answer for the
// caller). Returns the Resumption when the key names a stored submission of
// the same content, or a staged upload of the same item, size and SHA-256
// whose staged byte count is the resume_offset. Otherwise:
//   AlreadyExists as CheckReplay, for a stored submission of other content;
//   FailedPrecondition "... start again from 0" when nothing is staged or
//   the staged upload declared other content, and "intake holds N bytes of
//   this upload; resume from N" when N is not the resume_offset.
absl::StatusOr<Resumption> CheckResume(
    const v1::UploadMetadata& metadata,
    const storage::v1::QueryUploadResponse& held);

// OK if an upload that started at `started_at` may still be resumed at
// `now` under a completion window of `window` (none when zero);
// FailedPrecondition naming the start and the window otherwise (the
// upload could no longer count from its start: start again from 0).
absl::Status CheckResumeWindow(absl::Time started_at, absl::Time now,
                               absl::Duration window);

// True if an upload with an idempotency key that failed with `status` may
// be resumed, so intake keeps its spool copy (storage keeps the staged
// bytes of any stream that breaks): the stream broke (CANCELLED: a dropped
// connection looks like a cancellation to the server) or a service was
// unreachable (UNAVAILABLE). False for OK and for every refusal of the
// upload (IsRecordedRefusal), intake's idle limit included: an upload is
// removed once it is stored or refused.
bool MayResumeAfter(const absl::Status& status);

// The PutHeader for `metadata` by `principal`: resumable (with every field
// storage needs and `started_at`) when the metadata has an idempotency key,
// with the metadata's resume_offset.
storage::v1::PutHeader StorageHeader(const v1::UploadMetadata& metadata,
                                     const std::string& principal,
                                     absl::Time started_at);

// QueryWriteStatus's answer from storage's (`held`) and the size of the
// upload's spool file in intake (nullopt when there is none): complete with
// the stored record's size and start when the key names a submission;
// otherwise the staged byte count and start, unless a spool file holds
// fewer bytes than storage (then 0: a resume needs both, so the upload
// must start again from 0); 0 and no start when nothing is held.
v1::QueryWriteStatusResponse WriteStatusOf(
    const storage::v1::QueryUploadResponse& held,
    std::optional<int64_t> spool_bytes);

// Asks storage (QueryUpload, bounded by `timeout`) what it holds under
// (course, principal, key). Storage's errors mapped by PeerError.
absl::StatusOr<storage::v1::QueryUploadResponse> QueryStorage(
    storage::v1::StorageService::StubInterface& storage, absl::Duration timeout,
    const std::string& course_id, const std::string& principal,
    const std::string& key);

// Called with the submission `metadata`'s idempotency key already names
// for `principal` (storage's LookupIdempotencyKey, bounded by `timeout`), or
// nullopt: no key, none stored, or storage could not say (logged; storage
// still decides at commit, so the upload goes ahead).
using PriorDone =
    absl::AnyInvocable<void(std::optional<common::v1::SubmissionRecord>) &&>;

// Looks up the prior submission without waiting for it: `done` runs once,
// at once when there is no key, otherwise on a gRPC callback thread
// (CallUnaryAsync). `storage` must outlive the call.
void LookUpPrior(storage::v1::StorageService::StubInterface& storage,
                 absl::Duration timeout, const v1::UploadMetadata& metadata,
                 const std::string& principal, PriorDone done);

// Answers QueryWriteStatus for `principal` (the caller): InvalidArgument
// without a course id or key; storage's errors as QueryStorage; otherwise
// WriteStatusOf storage's answer and the spool file in options.spool_dir.
absl::StatusOr<v1::QueryWriteStatusResponse> LookUpWriteStatus(
    storage::v1::StorageService::StubInterface& storage,
    const IntakeOptions& options, const std::string& principal,
    const v1::QueryWriteStatusRequest& request);

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_RESUME_H_
