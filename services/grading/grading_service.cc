#include "services/grading/grading_service.h"

#include "services/grading/download_reactor.h"

namespace handin::grading {

using handin::grading::v1::DownloadSubmissionRequest;
using handin::grading::v1::DownloadSubmissionResponse;
using handin::grading::v1::ListSubmissionsRequest;
using handin::grading::v1::ListSubmissionsResponse;

GradingServiceImpl::GradingServiceImpl(
    std::unique_ptr<handin::storage::v1::StorageService::StubInterface> storage,
    Executor& executor)
    : storage_(std::move(storage)), executor_(executor) {}

grpc::ServerUnaryReactor* GradingServiceImpl::ListSubmissions(
    grpc::CallbackServerContext* context, const ListSubmissionsRequest* request,
    ListSubmissionsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->course_id().empty() || request->item_id().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "course_id and item_id are both required"));
    return reactor;
  }
  executor_.Schedule([this, context, request, response, reactor] {
    handin::storage::v1::ListSubmissionsRequest list;
    list.set_course_id(request->course_id());
    list.set_item_id(request->item_id());
    handin::storage::v1::ListSubmissionsResponse listed;
    grpc::ClientContext storage_context;
    storage_context.set_deadline(context->deadline());
    grpc::Status status =
        storage_->ListSubmissions(&storage_context, list, &listed);
    if (status.ok()) {
      response->mutable_submissions()->Swap(listed.mutable_submissions());
    }
    reactor->Finish(status);
  });
  return reactor;
}

grpc::ServerWriteReactor<DownloadSubmissionResponse>*
GradingServiceImpl::DownloadSubmission(
    grpc::CallbackServerContext* context,
    const DownloadSubmissionRequest* request) {
  return new DownloadReactor(context, *storage_, executor_, *request);
}

}  // namespace handin::grading
