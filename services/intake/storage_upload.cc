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
  if (header.resume_offset() == 0 && declared_size <= held_max_bytes) {
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

absl::StatusOr<storage::v1::PutSubmissionResponse> StorageUpload::Commit(
    common::v1::SubmissionRecord record) {
  if (held_) {
    absl::StatusOr<grpc::ClientContext*> context = NewCall(call_timeout_);
    if (!context.ok()) return context.status();
    storage::v1::StoreSubmissionRequest request;
    *request.mutable_record() = std::move(record);
    request.set_content(std::move(held_bytes_));
    held_bytes_.clear();
    const grpc::Status status =
        storage_->StoreSubmission(*context, request, &response_);
    if (!status.ok()) return CallFailed(status);
    return std::move(response_);
  }
  storage::v1::PutSubmissionRequest request;
  *request.mutable_commit()->mutable_record() = std::move(record);
  if (absl::Status written = Write(request); !written.ok()) return written;
  writer_->WritesDone();
  if (absl::Status committed = FinishStream(); !committed.ok()) {
    return committed;
  }
  return std::move(response_);
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
