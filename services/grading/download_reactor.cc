#include "services/grading/download_reactor.h"

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"

namespace handin::grading {

using handin::grading::v1::DownloadSubmissionRequest;

DownloadReactor::DownloadReactor(
    grpc::CallbackServerContext* context,
    handin::storage::v1::StorageService::StubInterface& storage,
    Executor& executor, DownloadSubmissionRequest request,
    absl::Status admitted)
    : context_(context),
      storage_(storage),
      executor_(executor),
      request_(std::move(request)) {
  if (request_.course_id().empty() || request_.submission_id().empty()) {
    Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "course_id and submission_id are both required"));
    return;
  }
  if (!admitted.ok()) {
    Finish(ToGrpcStatus(admitted));
    return;
  }
  executor_.Schedule([this] { Open(); });
}

void DownloadReactor::Open() {
  handin::storage::v1::GetSubmissionRequest get;
  get.set_course_id(request_.course_id());
  get.set_submission_id(request_.submission_id());
  grpc::ClientContext get_context;
  get_context.set_deadline(context_->deadline());
  grpc::Status status =
      storage_.GetSubmission(&get_context, get, outgoing_.mutable_record());
  if (!status.ok()) {
    Finish(status);
    return;
  }
  handin::storage::v1::ReadSubmissionRequest read;
  read.set_course_id(request_.course_id());
  read.set_submission_id(request_.submission_id());
  storage_context_.set_deadline(context_->deadline());
  reader_ = storage_.ReadSubmission(&storage_context_, read);
  StartWrite(&outgoing_);
}

void DownloadReactor::ReadNext() {
  outgoing_.Clear();
  if (reader_->Read(outgoing_.mutable_chunk())) {
    StartWrite(&outgoing_);
    return;
  }
  grpc::Status status = reader_->Finish();
  if (!status.ok()) {
    status = grpc::Status(
        status.error_code(),
        absl::StrCat("reading submission ", request_.submission_id(),
                     " from storage: ", status.error_message()));
  }
  Finish(status);
}

void DownloadReactor::OnWriteDone(bool ok) {
  if (!ok) {
    // The grader went away; stop reading and let storage's stream end.
    storage_context_.TryCancel();
    executor_.Schedule([this] {
      reader_->Finish();
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    });
    return;
  }
  executor_.Schedule([this] { ReadNext(); });
}

void DownloadReactor::OnCancel() { storage_context_.TryCancel(); }

void DownloadReactor::OnDone() { delete this; }

}  // namespace handin::grading
