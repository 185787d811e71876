#include "services/intake/intake_service.h"

#include <chrono>
#include <utility>

#include "common/caller.h"
#include "common/grpc_status.h"
#include "services/intake/upload_reactor.h"
#include "services/intake/upload_rules.h"
#include "spdlog/spdlog.h"

namespace handin::intake {

IntakeServiceImpl::IntakeServiceImpl(
    IntakeOptions options,
    std::unique_ptr<deadline::v1::DeadlineService::StubInterface> deadline,
    std::unique_ptr<storage::v1::StorageService::StubInterface> storage,
    const Clock& clock, Executor& executor)
    : options_(std::move(options)),
      deadline_(std::move(deadline)),
      storage_(std::move(storage)),
      clock_(clock),
      executor_(executor) {}

grpc::ServerReadReactor<v1::UploadRequest>* IntakeServiceImpl::Upload(
    grpc::CallbackServerContext* context, v1::UploadResponse* response) {
  UploadDeps deps;
  deps.options = &options_;
  deps.deadline = deadline_.get();
  deps.storage = storage_.get();
  deps.clock = &clock_;
  deps.executor = &executor_;
  return new UploadReactor(context, response, deps);  // Deleted in OnDone.
}

grpc::ServerUnaryReactor* IntakeServiceImpl::ListMySubmissions(
    grpc::CallbackServerContext* context,
    const v1::ListMySubmissionsRequest* request,
    v1::ListMySubmissionsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Caller> caller = CallerFromContext(*context);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  if (request->course_id().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "course_id is empty; name the course, e.g. "
                                 "\"eecs598-w24\""));
    return reactor;
  }
  executor_.Schedule([this, reactor, request, response,
                      principal = caller->user_id] {
    storage::v1::ListSubmissionsRequest list;
    list.set_course_id(request->course_id());
    list.set_principal(principal);
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(options_.peer_call_timeout));
    storage::v1::ListSubmissionsResponse listed;
    const grpc::Status status = storage_->ListSubmissions(&call, list, &listed);
    if (!status.ok()) {
      const absl::Status mapped = PeerError("storage", FromGrpcStatus(status));
      spdlog::warn("event=list_failed principal={} code={} msg=\"{}\"",
                   principal, absl::StatusCodeToString(mapped.code()),
                   std::string(mapped.message()));
      reactor->Finish(ToGrpcStatus(mapped));
      return;
    }
    for (common::v1::SubmissionRecord& record : *listed.mutable_submissions()) {
      // Storage filters by principal; checking again costs nothing and keeps
      // one student's records from ever reaching another.
      if (record.principal() != principal) continue;
      *response->add_submissions() = std::move(record);
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

}  // namespace handin::intake
