#include "services/intake/storage_upload.h"

#include <utility>

#include "common/call_deadline.h"
#include "common/grpc_status.h"
#include "services/intake/upload_rules.h"
#include "spdlog/spdlog.h"

namespace handin::intake {
namespace {

absl::Status UploadCancelled() {
  return absl::CancelledError(
      "the client cancelled the upload; nothing was stored");
}

}  // namespace

absl::Status StorageUpload::Start(
    storage::v1::StorageService::StubInterface& storage,
    storage::v1::PutHeader header, int64_t declared_size,
    int64_t held_max_bytes, absl::Duration call_timeout) {
  storage_ = &storage;
  call_timeout_ = call_timeout;
  if (Holds(header.resume_offset(), declared_size, held_max_bytes)) {
    held_ = true;
    header_ = std::move(header);
    held_bytes_.reserve(static_cast<size_t>(declared_size));
    return absl::OkStatus();
  }
  absl::StatusOr<grpc::ClientContext*> context =
      NewCall(absl::InfiniteDuration());
  if (!context.ok()) return context.status();
  writer_ = storage.PutSubmission(*context, &response_);
  storage::v1::PutSubmissionRequest request;
  *request.mutable_header() = std::move(header);
  return Write(request);
}

absl::Status StorageUpload::Append(common::v1::Chunk& chunk) {
  if (held_) {
    held_bytes_.append(chunk.data());
    chunk.clear_data();
    return absl::OkStatus();
  }
  storage::v1::PutSubmissionRequest request;
  // Moves the bytes rather than copying them: one buffer per upload.
  *request.mutable_chunk() = std::move(chunk);
  return Write(request);
}

void StorageUpload::Commit(common::v1::SubmissionRecord record,
                           CommitDone done) {
  if (held_) return CommitHeld(std::move(record), std::move(done));
  storage::v1::PutSubmissionRequest request;
  *request.mutable_commit()->mutable_record() = std::move(record);
  if (absl::Status written = Write(request); !written.ok()) {
    return std::move(done)(written);
  }
  writer_->WritesDone();
  if (absl::Status committed = FinishStream(); !committed.ok()) {
    return std::move(done)(committed);
  }
  std::move(done)(std::move(response_));
}

void StorageUpload::CommitHeld(common::v1::SubmissionRecord record,
                               CommitDone done) {
  absl::StatusOr<grpc::ClientContext*> context = NewCall(call_timeout_);
  if (!context.ok()) return std::move(done)(context.status());
  *store_request_.mutable_record() = std::move(record);
  store_request_.set_content(std::move(held_bytes_));
  held_bytes_.clear();
  commit_done_ = std::move(done);
  storage_->async()->StoreSubmission(
      *context, &store_request_, &response_, [this](grpc::Status status) {
        store_request_.Clear();
        // `done` may end the upload and with it this object.
        CommitDone done = std::move(commit_done_);
        if (!status.ok()) return std::move(done)(CallFailed(status));
        std::move(done)(std::move(response_));
      });
}

void StorageUpload::StageForResume() {
  if (!held_ || !header_.has_resumable()) return;
  grpc::ClientContext context;
  SetDeadlineAfter(context, call_timeout_);
  storage::v1::PutSubmissionResponse unused;
  const auto writer = storage_->PutSubmission(&context, &unused);
  storage::v1::PutSubmissionRequest request;
  *request.mutable_header() = header_;
  bool open = writer->Write(request);
  if (open && !held_bytes_.empty()) {
    request.mutable_chunk()->set_offset(0);
    request.mutable_chunk()->set_data(held_bytes_);
    open = writer->Write(request);
  }
  if (open) writer->WritesDone();
  // Storage answers a stream that ends without its commit so, once it has
  // staged what the stream carried.
  const grpc::Status status = writer->Finish();
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    spdlog::info("event=held_upload_staged course={} bytes={}",
                 header_.course_id(), held_bytes_.size());
  } else {
    spdlog::warn(
        "event=held_upload_not_staged course={} bytes={} code={} msg=\"{}\"",
        header_.course_id(), held_bytes_.size(),
        static_cast<int>(status.error_code()), status.error_message());
  }
}

void StorageUpload::Abandon() {
  held_bytes_.clear();
  if (writer_ == nullptr) return;
  {
    absl::MutexLock lock(&mu_);
    context_->TryCancel();
  }
  writer_->Finish();  // CANCELLED; nothing was committed.
  writer_.reset();
}

void StorageUpload::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

absl::StatusOr<grpc::ClientContext*> StorageUpload::NewCall(
    absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return UploadCancelled();
  context_ = std::make_unique<grpc::ClientContext>();
  if (timeout != absl::InfiniteDuration()) {
    SetDeadlineAfter(*context_, timeout);
  }
  return context_.get();
}

absl::Status StorageUpload::Write(
    const storage::v1::PutSubmissionRequest& request) {
  if (writer_->Write(request)) return absl::OkStatus();
  // The stream broke; its status says why.
  absl::Status ended = FinishStream();
  if (ended.ok()) {
    return absl::InternalError(
        "storage service closed the upload stream before the commit");
  }
  return ended;
}

absl::Status StorageUpload::FinishStream() {
  const grpc::Status status = writer_->Finish();
  writer_.reset();
  return status.ok() ? absl::OkStatus() : CallFailed(status);
}

absl::Status StorageUpload::CallFailed(const grpc::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return UploadCancelled();
  }
  return PeerError("storage", FromGrpcStatus(status));
}

}  // namespace handin::intake
