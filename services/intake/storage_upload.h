#ifndef HANDIN_SERVICES_INTAKE_STORAGE_UPLOAD_H_
#define HANDIN_SERVICES_INTAKE_STORAGE_UPLOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "handin/common/v1/common.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"

namespace handin::intake {

// Intake's side of one upload's call to storage: a PutSubmission stream
// (header, chunks, commit), or, for a small new upload, its bytes held until
// the commit and sent in one StoreSubmission call
// (IntakeOptions::held_upload_max_bytes). A small upload thus costs
// storage one task and one synced write instead of a stream of three
// messages. Nothing of it is on storage before its commit; if its stream
// breaks, StageForResume puts what was held there as a broken resumable
// stream would have left it, so the resume keeps the first start.
//
// Errors are for the student, mapped by PeerError("storage", ...); after
// Cancel, calls fail CANCELLED ("the client cancelled the upload"). One task at
// a time calls Start, Append, Commit and Abandon; Cancel may come from any
// thread at any time.
class StorageUpload {
 public:
  // Storage's answer to a commit: the stored record, or the original one
  // with `replayed`; or why nothing was stored.
  using CommitDone = absl::AnyInvocable<
      void(absl::StatusOr<storage::v1::PutSubmissionResponse>) &&>;

  StorageUpload() = default;
  StorageUpload(const StorageUpload&) = delete;
  StorageUpload& operator=(const StorageUpload&) = delete;
  // An open stream is abandoned.
  ~StorageUpload() { Abandon(); }

  // Starts the upload described by `header` (storage's PutHeader, with its
  // resume_offset) of `declared_size` bytes on `storage`, which must
  // outlive this. A new upload of at most `held_max_bytes` is held and sends
  // nothing yet; any other opens the stream and sends the header.
  // `call_timeout` bounds the StoreSubmission call (the stream of a large
  // upload has no time limit of its own).
  absl::Status Start(storage::v1::StorageService::StubInterface& storage,
                     storage::v1::PutHeader header, int64_t declared_size,
                     int64_t held_max_bytes, absl::Duration call_timeout);

  // True after Start when the bytes are held: Append then does no I/O.
  bool held() const { return held_; }
  // Whether Start holds an upload from `resume_offset` of `declared_size`
  // bytes, given `held_max_bytes`: only a new one, small enough.
  static bool Holds(int64_t resume_offset, int64_t declared_size,
                    int64_t held_max_bytes) {
    return resume_offset == 0 && declared_size <= held_max_bytes;
  }

  // Holds or forwards the next chunk, in order (the caller has checked its
  // offset and size); its bytes are moved out of `chunk`.
  absl::Status Append(common::v1::Chunk& chunk);

  // Commits the upload as `record` and calls `done` once with storage's
  // answer. A streamed upload's commit is the stream's last message: `done`
  // runs before Commit returns, on the caller's thread. A held upload is
  // sent in one asynchronous StoreSubmission call, so no thread waits for
  // the synced write: `done` runs later on a gRPC callback thread (where
  // nothing may block), and this object must live until it has run.
  void Commit(common::v1::SubmissionRecord record, CommitDone done);

  // For a held upload with an idempotency key whose stream broke (the
  // student may resume it): stages the header and the bytes held so far on
  // storage with a resumable stream ended without a commit, as a streamed
  // upload would have left them. Best effort (logged), bounded by the call
  // timeout, not stopped by Cancel. Nothing for any other upload.
  void StageForResume();

  // Ends a stream that is still open without committing it (storage then
  // keeps the staged bytes of a resumable upload, and nothing else) and
  // drops held bytes.
  void Abandon();

  // Cancels the call in flight, or the next one, so nothing is committed.
  // Thread-safe.
  void Cancel();

 private:
  // A context for the upload's one call (deadline `timeout` unless
  // infinite), or CANCELLED after Cancel.
  absl::StatusOr<grpc::ClientContext*> NewCall(absl::Duration timeout);
  // Commit for a held upload: one asynchronous StoreSubmission call.
  void CommitHeld(common::v1::SubmissionRecord record, CommitDone done);
  // Sends `request` on the stream; the stream's status when it broke.
  absl::Status Write(const storage::v1::PutSubmissionRequest& request);
  // The stream's status once it has ended (Finish), mapped by CallFailed.
  absl::Status FinishStream();
  // A failed call's status for the student: CANCELLED after Cancel (the
  // client went away), PeerError("storage", ...) otherwise.
  absl::Status CallFailed(const grpc::Status& status);

  storage::v1::StorageService::StubInterface* storage_ = nullptr;
  absl::Duration call_timeout_;
  bool held_ = false;
  // A held upload's header and bytes.
  storage::v1::PutHeader header_;
  std::string held_bytes_;
  storage::v1::PutSubmissionResponse response_;
  // A held upload's StoreSubmission request and continuation, kept until
  // its answer.
  storage::v1::StoreSubmissionRequest store_request_;
  CommitDone commit_done_;
  std::unique_ptr<
      grpc::ClientWriterInterface<storage::v1::PutSubmissionRequest>>
      writer_;

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  std::unique_ptr<grpc::ClientContext> context_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_STORAGE_UPLOAD_H_
