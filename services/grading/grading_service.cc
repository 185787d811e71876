#include "services/grading/grading_service.h"

#include "services/grading/download_reactor.h"

namespace handin::grading {

using handin::grading::v1::DownloadSubmissionRequest;
using handin::grading::v1::DownloadSubmissionResponse;
using handin::grading::v1::ListSubmissionsRequest;
using handin::grading::v1::ListSubmissionsResponse;

GradingServiceImpl::GradingServiceImpl(
    StorageShards storage,
    std::unique_ptr<handin::deadline::v1::DeadlineService::StubInterface>
        deadline,
    Executor& executor, const CallAuthenticator& authenticator,
    const Clock& clock)
    : storage_(std::move(storage)),
      deadline_(std::move(deadline)),
      executor_(executor),
      authenticator_(authenticator),
      clock_(clock) {}

grpc::Status GradingServiceImpl::List(grpc::CallbackServerContext* context,
                                      const ListSubmissionsRequest& request,
                                      ListSubmissionsResponse& response) {
  handin::storage::v1::ListSubmissionsRequest list;
  list.set_course_id(request.course_id());
  list.set_item_id(request.item_id());
  handin::storage::v1::ListSubmissionsResponse listed;
  grpc::ClientContext storage_context;
  storage_context.set_deadline(context->deadline());
  grpc::Status status = storage_.ForCourse(request.course_id())
                            .ListSubmissions(&storage_context, list, &listed);
  if (!status.ok()) return status;

  handin::deadline::v1::ChooseCountedRequest choose;
  choose.set_course_id(request.course_id());
  choose.set_item_id(request.item_id());
  *choose.mutable_submissions() = listed.submissions();
  handin::deadline::v1::ChooseCountedResponse chosen;
  grpc::ClientContext deadline_context;
  deadline_context.set_deadline(context->deadline());
  status = deadline_->ChooseCounted(&deadline_context, choose, &chosen);
  if (!status.ok()) return status;

  handin::storage::v1::ListRefusalsRequest refusals;
  refusals.set_course_id(request.course_id());
  refusals.set_item_id(request.item_id());
  handin::storage::v1::ListRefusalsResponse refused;
  grpc::ClientContext refusals_context;
  refusals_context.set_deadline(context->deadline());
  status = storage_.ForCourse(request.course_id())
               .ListRefusals(&refusals_context, refusals, &refused);
  if (!status.ok()) return status;
  response.mutable_refused()->Swap(refused.mutable_attempts());
  response.mutable_submissions()->Swap(listed.mutable_submissions());
  response.mutable_counted()->Swap(chosen.mutable_counted());
  response.set_counted_version(chosen.counted_version());
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* GradingServiceImpl::ListSubmissions(
    grpc::CallbackServerContext* context, const ListSubmissionsRequest* request,
    ListSubmissionsResponse* response) {
  return Run(context, request->course_id(),
             [this, context, request, response](const Principal&,
                                                Upstream&) -> absl::Status {
               if (request->item_id().empty()) {
                 return absl::InvalidArgumentError(
                     "item_id is required, e.g. \"project-report\"");
               }
               return FromGrpcStatus(List(context, *request, *response));
             });
}

grpc::ServerWriteReactor<DownloadSubmissionResponse>*
GradingServiceImpl::DownloadSubmission(
    grpc::CallbackServerContext* context,
    const DownloadSubmissionRequest* request) {
  absl::StatusOr<Principal> caller = authenticator_.CallerOf(*context);
  absl::Status admitted = caller.status();
  if (caller.ok() && !request->course_id().empty()) {
    admitted = CheckCallerCourse(*caller, request->course_id());
  }
  return new DownloadReactor(context, storage_.ForCourse(request->course_id()),
                             executor_, *request, std::move(admitted));
}

}  // namespace handin::grading
