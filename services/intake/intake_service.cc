#include "services/intake/intake_service.h"

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/grpc_status.h"
#include "services/intake/intake_metrics.h"
#include "services/intake/resume.h"
#include "services/intake/spool.h"
#include "services/intake/upload_reactor.h"
#include "services/intake/upload_rules.h"
#include "spdlog/spdlog.h"

namespace handin::intake {
namespace {

// A request field that must not be empty, with an example value for the
// error message.
struct RequiredId {
  const char* field;
  const std::string& value;
  const char* example;
};

// INVALID_ARGUMENT naming the first of `ids` that is empty; OK when none is.
absl::Status RequireIds(std::initializer_list<RequiredId> ids) {
  for (const RequiredId& id : ids) {
    if (id.value.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          id.field, " is empty; name it, e.g. \"", id.example, "\""));
    }
  }
  return absl::OkStatus();
}

// `options` with its defaults filled in.
IntakeOptions Resolved(IntakeOptions options) {
  if (options.spool_dir.empty()) options.spool_dir = DefaultSpoolDir();
  return options;
}

inspect::Limits InspectLimits(const IntakeOptions& options) {
  inspect::Limits limits;
  limits.max_file_bytes = options.max_file_bytes;
  return limits;
}

constexpr char kCourseExample[] = "eecs598-w24";
constexpr char kItemExample[] = "project-report";

}  // namespace

IntakeServiceImpl::IntakeServiceImpl(
    IntakeOptions options,
    std::unique_ptr<deadline::v1::DeadlineService::StubInterface> deadline,
    StorageShards storage, const Clock& clock, Executor& executor,
    const CallAuthenticator& authenticator)
    : options_(Resolved(std::move(options))),
      deadline_(std::move(deadline)),
      storage_(std::move(storage)),
      clock_(clock),
      executor_(executor),
      authenticator_(authenticator),
      content_(
          inspect::SandboxOptions{.inspector_path = options_.inspector_path},
          InspectLimits(options_), options_.max_inspections),
      sweeper_(options_.spool_dir, options_.spool_grace, clock),
      limits_({.max_open_uploads = options_.max_open_uploads_per_student,
               .max_refusals_per_minute = options_.max_refusals_per_minute},
              clock),
      watchdog_(options_.upload_idle_timeout, executor) {
  // Registered now, so /metrics lists them before the first upload.
  IntakeMetrics::Get();
}

grpc::ServerReadReactor<v1::UploadRequest>* IntakeServiceImpl::Upload(
    grpc::CallbackServerContext* context, v1::UploadResponse* response) {
  UploadDeps deps;
  deps.options = &options_;
  deps.deadline = deadline_.get();
  deps.storage = &storage_;
  deps.clock = &clock_;
  deps.executor = &executor_;
  deps.watchdog = &watchdog_;
  deps.content = &content_;
  deps.limits = &limits_;
  deps.authenticator = &authenticator_;
  return new UploadReactor(context, response, deps);  // Deleted in OnDone.
}

grpc::ServerUnaryReactor* IntakeServiceImpl::QueryWriteStatus(
    grpc::CallbackServerContext* context,
    const v1::QueryWriteStatusRequest* request,
    v1::QueryWriteStatusResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> caller =
      CallingStudent(*context, request->course_id());
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  executor_.Schedule([this, reactor, request, response, principal = *caller] {
    absl::StatusOr<v1::QueryWriteStatusResponse> status =
        LookUpWriteStatus(storage_.ForCourse(request->course_id()), options_,
                          principal, *request);
    if (status.ok()) {
      *response = *std::move(status);
    } else {
      spdlog::warn(
          "event=query_write_status_failed principal={} code={} "
          "msg=\"{}\"",
          principal, absl::StatusCodeToString(status.status().code()),
          std::string(status.status().message()));
    }
    reactor->Finish(ToGrpcStatus(status.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* IntakeServiceImpl::ListMySubmissions(
    grpc::CallbackServerContext* context,
    const v1::ListMySubmissionsRequest* request,
    v1::ListMySubmissionsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> caller =
      CallingStudent(*context, request->course_id());
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
  executor_.Schedule([this, reactor, request, response, principal = *caller] {
    const absl::Status listed =
        ListOwn(request->course_id(), principal, response);
    if (!listed.ok()) {
      spdlog::warn("event=list_failed principal={} code={} msg=\"{}\"",
                   principal, absl::StatusCodeToString(listed.code()),
                   std::string(listed.message()));
      response->Clear();
    }
    reactor->Finish(ToGrpcStatus(listed));
  });
  return reactor;
}

absl::StatusOr<std::string> IntakeServiceImpl::CallingStudent(
    const grpc::CallbackServerContext& context,
    absl::string_view course_id) const {
  absl::StatusOr<Principal> caller = authenticator_.CallerOf(context);
  if (!caller.ok()) return caller.status();
  if (!course_id.empty()) {
    if (absl::Status s = CheckCallerCourse(*caller, course_id); !s.ok()) {
      return s;
    }
  }
  return caller->subject;
}

absl::Status IntakeServiceImpl::ListOwn(
    const std::string& course_id, const std::string& principal,
    v1::ListMySubmissionsResponse* response) {
  storage::v1::ListSubmissionsResponse listed;
  absl::Status status = ListFromStorage(
      &storage::v1::StorageService::StubInterface::ListSubmissions, course_id,
      principal, &listed);
  if (!status.ok()) return status;
  storage::v1::ListRefusalsResponse refused;
  status =
      ListFromStorage(&storage::v1::StorageService::StubInterface::ListRefusals,
                      course_id, principal, &refused);
  if (!status.ok()) return status;

  // Storage filters by principal; checking again costs nothing and keeps
  // one student's records from ever reaching another.
  for (common::v1::SubmissionRecord& record : *listed.mutable_submissions()) {
    if (record.principal() == principal) {
      *response->add_submissions() = std::move(record);
    }
  }
  for (common::v1::RefusedAttempt& attempt : *refused.mutable_attempts()) {
    if (attempt.principal() == principal) {
      *response->add_refused() = std::move(attempt);
    }
  }
  return absl::OkStatus();
}

template <typename ListRequest, typename ListResponse>
absl::Status IntakeServiceImpl::ListFromStorage(
    StorageMethod<ListRequest, ListResponse> method,
    const std::string& course_id, const std::string& principal,
    ListResponse* response) {
  ListRequest request;
  request.set_course_id(course_id);
  request.set_principal(principal);
  grpc::ClientContext call;
  SetDeadlineAfter(call, options_.peer_call_timeout);
  const grpc::Status status =
      (storage_.ForCourse(course_id).*method)(&call, request, response);
  return PeerError("storage", FromGrpcStatus(status));
}

template <typename PeerRequest, typename PeerResponse>
grpc::ServerUnaryReactor* IntakeServiceImpl::ForwardToDeadline(
    grpc::CallbackServerContext* context, const char* rpc,
    const absl::Status& invalid, PeerRequest request,
    DeadlineMethod<PeerRequest, PeerResponse> method, PeerResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> caller =
      CallingStudent(*context, request.course_id());
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  if (!invalid.ok()) {
    reactor->Finish(ToGrpcStatus(invalid));
    return reactor;
  }
  // The caller, never anything the request says, is whose deadlines these
  // are.
  request.set_principal(*caller);
  executor_.Schedule([this, reactor, rpc, method, response,
                      request = std::move(request)] {
    grpc::ClientContext call;
    SetDeadlineAfter(call, options_.peer_call_timeout);
    const grpc::Status status =
        (deadline_.get()->*method)(&call, request, response);
    if (!status.ok()) {
      const absl::Status mapped = PeerError("deadline", FromGrpcStatus(status));
      spdlog::warn("event={}_failed principal={} code={} msg=\"{}\"", rpc,
                   request.principal(), absl::StatusCodeToString(mapped.code()),
                   std::string(mapped.message()));
      reactor->Finish(ToGrpcStatus(mapped));
      return;
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* IntakeServiceImpl::ListMyDeadlines(
    grpc::CallbackServerContext* context,
    const v1::ListMyDeadlinesRequest* request,
    deadline::v1::ListDeadlinesResponse* response) {
  deadline::v1::ListDeadlinesRequest forward;
  forward.set_course_id(request->course_id());
  if (request->has_window_start()) {
    *forward.mutable_window_start() = request->window_start();
  }
  if (request->has_window_end()) {
    *forward.mutable_window_end() = request->window_end();
  }
  return ForwardToDeadline(
      context, "list_deadlines",
      RequireIds({{"course_id", request->course_id(), kCourseExample}}),
      std::move(forward),
      &deadline::v1::DeadlineService::StubInterface::ListDeadlines, response);
}

grpc::ServerUnaryReactor* IntakeServiceImpl::CheckSubmission(
    grpc::CallbackServerContext* context,
    const v1::CheckSubmissionRequest* request,
    deadline::v1::WhatIfResponse* response) {
  deadline::v1::WhatIfRequest forward;
  forward.set_course_id(request->course_id());
  forward.set_item_id(request->item_id());
  return ForwardToDeadline(
      context, "check_submission",
      RequireIds({{"course_id", request->course_id(), kCourseExample},
                  {"item_id", request->item_id(), kItemExample}}),
      std::move(forward), &deadline::v1::DeadlineService::StubInterface::WhatIf,
      response);
}

grpc::ServerUnaryReactor* IntakeServiceImpl::ExportMyCalendar(
    grpc::CallbackServerContext* context,
    const v1::ExportMyCalendarRequest* request,
    deadline::v1::ExportCalendarResponse* response) {
  deadline::v1::ExportCalendarRequest forward;
  forward.set_course_id(request->course_id());
  return ForwardToDeadline(
      context, "export_calendar",
      RequireIds({{"course_id", request->course_id(), kCourseExample}}),
      std::move(forward),
      &deadline::v1::DeadlineService::StubInterface::ExportCalendar, response);
}

}  // namespace handin::intake
