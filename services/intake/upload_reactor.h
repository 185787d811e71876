#ifndef HANDIN_SERVICES_INTAKE_UPLOAD_REACTOR_H_
#define HANDIN_SERVICES_INTAKE_UPLOAD_REACTOR_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"  // common/clock.h uses absl::Now without it.
#include "absl/time/time.h"
#include "common/call_authenticator.h"
#include "common/clock.h"
#include "common/executor.h"
#include "common/storage_shards.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/server_callback.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/intake/content_check.h"
#include "services/intake/intake_options.h"
#include "services/intake/principal_limits.h"
#include "services/intake/resume.h"
#include "services/intake/spool.h"
#include "services/intake/storage_upload.h"
#include "services/intake/upload_rules.h"
#include "services/intake/upload_watchdog.h"

namespace handin::intake {

// What an upload uses that belongs to the service. Not owned; everything
// must outlive every reactor (the service outlives its server).
struct UploadDeps {
  const IntakeOptions* options = nullptr;
  deadline::v1::DeadlineService::StubInterface* deadline = nullptr;
  // Calls about a course go to storage->ForCourse(course).
  const StorageShards* storage = nullptr;
  const Clock* clock = nullptr;
  Executor* executor = nullptr;
  // Ends uploads past their idle or total limit.
  UploadWatchdog* watchdog = nullptr;
  // Inspects uploads to items with a content rule.
  ContentChecker* content = nullptr;
  // Per-student limits: open uploads, refused attempts per minute.
  PrincipalLimits* limits = nullptr;
  // Who the upload acts for: its token's subject.
  const CallAuthenticator* authenticator = nullptr;
};

// The server side of one IntakeService.Upload stream.
//
// The reactor checks the caller and each message as it arrives, stamping
// started_at when the metadata is read and completed_at when the finish is
// read. The final verdict is deadline's for both instants, unless the
// pre-check's stands (PrecheckVerdictStands: on time, completed within the
// window). Peer calls that only answer (the idempotency lookup, deadline's
// verdicts, a held upload's commit) are made with gRPC's callback API, so
// no thread waits for them, and their answers are taken on the gRPC thread
// that received them. Everything else that may block (a resume's query,
// the spool copy, its inspection, every write to the storage PutSubmission
// stream and its commit, a failure's refusal record) runs on the executor,
// one task at a time; the next message is read only once the previous one
// has been handed on to storage, so a slow storage slows the student's
// upload instead of filling intake's memory. A small new upload is held in
// memory instead and stored in one call at the finish (StorageUpload,
// IntakeOptions::held_upload_max_bytes): without a spool copy, it never
// waits on the executor.
//
// The response is the record storage committed (the receipt). Any failure,
// including the client breaking or cancelling the stream, cancels the storage
// call before it is committed, so nothing partial is stored.
//
// Retries: when the metadata carries an idempotency key, the reactor first
// asks storage which submission the key names (for this caller); if one
// with the same content exists, the upload is answered with its receipt
// (`replayed`) before any byte is read, and with ALREADY_EXISTS if its
// content differs. Storage still decides at commit, so two concurrent
// uploads with one key store one record.
//
// Refusals: every failure after the metadata was read goes through Fail,
// which has storage record it (RecordRefusal in refusals.h) when it is a
// refusal, before the student gets the status. A check added to this state
// machine (e.g. the content inspection) refuses an upload by returning
// Fail(status) from its task, and is recorded the same way.
//
// Resuming (resume.h): metadata with a resume_offset is checked against
// what storage holds under its key (QueryUpload) before anything else; the
// upload then keeps the first attempt's started_at for the pre-check, the
// verdict, the record and the completion window (which must not have
// passed), and its chunks start at the offset. Every streamed upload with
// an idempotency key is opened on storage as resumable (StorageHeader), so
// storage keeps the bytes of a stream that breaks; a held one is staged
// there when its stream breaks (StorageUpload::StageForResume).
//
// Content: when the pre-check's Evaluate carries the item's content rule,
// the declared size is checked against the rule before any byte is read,
// every chunk is also appended to a spool file (SpoolFile, bounded by the
// declared size), and at the finish, once the byte count and the copy's
// SHA-256 are right and the verdict allows the upload, the copy is inspected
// (ContentChecker) on the executor before the commit. A refusal fails the
// upload INVALID_ARGUMENT
// "<item>: <reason>" (recorded); an inspector that cannot run fails it
// INTERNAL (not recorded); an accepted file is committed with the media
// type and warnings the inspector reported on its record. Items without a
// rule are neither spooled nor inspected. The spool file is removed when
// the upload is stored or refused; an upload with an idempotency key whose
// stream broke (MayResumeAfter) keeps it for its resume, which reopens it
// (SpoolFile::OpenResumable) so the inspector sees the whole file.
//
// Time limits: the UploadWatchdog ends an upload DEADLINE_EXCEEDED
// (recorded) when intake has waited upload_idle_timeout for its next
// message, or when it is still sending past the item's completion window
// from its start (a later completion could not count from the start
// anyway). An expiry found while a read is pending is handed to the
// executor (Expire); OnReadDone then schedules nothing. One found while a
// task runs is returned by the task's next BeginRead.
//
// Lifetime: gRPC owns the reactor from creation until OnDone, which deletes
// it. Finish is called exactly once, as the last act of a task, of a gRPC
// callback (the held commit's answer) or of the constructor; StartRead is
// likewise the last act of a task, so no task touches the reactor after it
// may have been deleted.
class UploadReactor final : public grpc::ServerReadReactor<v1::UploadRequest>,
                            private Expirable {
 public:
  // Starts the upload: finishes at once with UNAUTHENTICATED if the call has
  // no caller identity, otherwise reads the first message. `context` and
  // `response` are gRPC's and stay valid until OnDone.
  UploadReactor(grpc::CallbackServerContext* context,
                v1::UploadResponse* response, UploadDeps deps);

  void OnReadDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Tasks, on the executor or on the gRPC thread that read the message or
  // received a peer's answer. Each ends with exactly one of StartRead, Finish
  // (via Fail/Succeed) or a peer call whose continuation is the next task,
  // and touches nothing after it.

  // Checks the metadata just read, answers a retry of a stored upload with
  // its receipt (Replay), and asks deadline for its pre-check verdict. Only
  // a resume, which asks storage what it holds first, runs on the executor
  // (`on_executor`).
  void HandleMetadata(bool on_executor);
  // Answers a retry with the stored upload `prior`'s receipt.
  void Replay(common::v1::SubmissionRecord prior);
  // Asks deadline for the pre-check verdict; if it allows the upload,
  // OpenUpload, on the executor when that blocks (a spool copy or a storage
  // stream to open).
  void Precheck();
  // Checks the resume window and declared size, opens the spool copy and
  // storage's side of the upload, then reads the first chunk.
  void OpenUpload(bool on_executor);
  void HandleChunk();
  // The work of HandleChunk: checks the chunk just read and hands it on (to
  // the spool copy and storage). Without a spool copy, a held upload's
  // chunk involves no I/O, so OnReadDone calls this itself. The status to
  // Fail with otherwise.
  absl::Status TakeChunk();
  // At the finish: the status to Fail with if the client cancelled or the
  // bytes fall short of the declared size.
  absl::Status CheckComplete();
  // True for a held upload without a spool copy: taking its chunks and
  // committing it do no I/O that waits (the commit is asynchronous), so
  // they run on the gRPC thread.
  bool NothingBlocks() const { return storage_.held() && spool_ == nullptr; }
  // Whether the pre-check's verdict is the final one (upload_rules.h).
  bool PrecheckVerdictStands() const;
  // With the final verdict (deadline's, unless the pre-check's stands):
  // Commit, on the executor when that blocks.
  void Judged(absl::StatusOr<common::v1::Verdict> verdict);
  // Commits the upload with its final `verdict`, if that allows it, after
  // the inspection of its spool copy, if any (so only on the executor).
  // Committed then answers. `on_executor` is false on a gRPC thread, where
  // only a held upload without a spool copy is committed.
  void Commit(common::v1::Verdict verdict, bool on_executor);
  // Storage's answer to the commit: Succeed, or Fail on the executor.
  void Committed(absl::StatusOr<storage::v1::PutSubmissionResponse> stored);
  void HandleStreamEnd();
  // Runs when the watchdog found a limit passed while a read was pending.
  void Expire(const absl::Status& why) override;
  // Frees the student's open-upload slot, then finishes the call: a client
  // that starts its next upload on seeing this one's status is admitted.
  void Respond(const grpc::Status& status);

  // Reads the next message, or fails the upload if it has passed a time
  // limit (on the executor: `on_executor` is false on a gRPC callback
  // thread). The last act of a task or of OnReadDone.
  void ReadNext(bool on_executor = true);
  // Checks the spooled copy's SHA-256 and has the inspector judge it; on
  // acceptance puts the media type and warnings on `record`. The status to
  // Fail with otherwise.
  absl::Status CheckContent(common::v1::SubmissionRecord& record);

  // For metadata with a resume_offset: asks storage what the key holds and
  // checks the resume against it (CheckResume). Errors are the status to
  // Fail with.
  absl::StatusOr<Resumption> FindResumption();
  // Opens the spool copy: a one-shot file without an idempotency key, the
  // upload's resumable one (from resume_offset) with one.
  absl::Status OpenSpool();
  // Asks deadline for the verdict on this upload without waiting
  // (CallUnaryAsync): `done` runs on a gRPC thread. `completed_at` unset
  // for the pre-check, which also keeps the item's content rule and
  // completion window. Errors are already mapped for the student.
  using VerdictDone =
      absl::AnyInvocable<void(absl::StatusOr<common::v1::Verdict>) &&>;
  void Evaluate(std::optional<absl::Time> completed_at, VerdictDone done);
  // Returns true if the client has cancelled the upload.
  bool Cancelled();

  // Answers the upload with `record` and, when intake has a receipt key,
  // its signed receipt (a signing failure is logged; the upload stays
  // stored). The last act of a task.
  void Succeed(common::v1::SubmissionRecord record, bool replayed);

  // Cancels the storage stream (if open) so nothing is committed, has
  // storage record the refusal (once the metadata was read; RecordRefusal
  // decides whether `status` is one), then finishes the RPC with `status`.
  // The last act of a task.
  void Fail(const absl::Status& status);
  // Fail as an executor task (Fail may block): the last act of a gRPC
  // callback.
  void FailOnExecutor(absl::Status why);
  // Fail where `on_executor` says the task runs: at once, or as above.
  void FailFrom(bool on_executor, const absl::Status& why);

  grpc::CallbackServerContext* const context_;
  v1::UploadResponse* const response_;
  const UploadDeps deps_;

  // Touched by one task or callback at a time (reads and tasks alternate).
  v1::UploadRequest request_;
  // The verified caller, and their user id: whom the upload is for.
  Principal caller_;
  std::string principal_;
  UploadPhase phase_ = UploadPhase::kAwaitingMetadata;
  v1::UploadMetadata metadata_;
  bool metadata_received_ = false;
  std::optional<ChunkSequence> chunks_;
  absl::Time started_at_;
  absl::Time completed_at_;
  // The digest of the policy deadline judged by (from Evaluate).
  std::string policy_digest_;
  // Storage's side of the upload; its Cancel is thread-safe (OnCancel).
  StorageUpload storage_;
  // 0 until registered with the watchdog.
  uint64_t watch_id_ = 0;
  // True from deps_.limits admitting the upload until Respond releases it.
  bool admitted_ = false;
  // From the pre-check's Evaluate: the verdict (set once it allowed the
  // upload), the item's content rule and completion window.
  std::optional<common::v1::Verdict> precheck_verdict_;
  std::optional<deadline::v1::ContentRule> content_rule_;
  std::optional<absl::Duration> completion_window_;
  // The staged copy, only for an item with a content rule.
  std::unique_ptr<SpoolFile> spool_;

  // Shared with OnCancel, which may run while a task is running.
  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_UPLOAD_REACTOR_H_
