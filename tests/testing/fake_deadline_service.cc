#include "tests/testing/fake_deadline_service.h"

#include <utility>

#include "common/proto_time.h"

namespace handin::testing {
namespace {

FakeDeadlineService::Handler VerdictHandler(common::v1::VerdictKind kind,
                                            std::string reason) {
  return [kind, reason = std::move(reason)](
             const deadline::v1::EvaluateRequest& request,
             deadline::v1::EvaluateResponse* response) {
    common::v1::Verdict& verdict = *response->mutable_verdict();
    verdict.set_kind(kind);
    verdict.set_reason(reason);
    return grpc::Status::OK;
  };
}

}  // namespace

FakeDeadlineService::FakeDeadlineService()
    : handler_(VerdictHandler(common::v1::VERDICT_KIND_ON_TIME,
                              "on time (fake deadline service)")) {
  common::v1::Verdict& verdict = *what_if_.response.mutable_verdict();
  verdict.set_kind(common::v1::VERDICT_KIND_ON_TIME);
  verdict.set_reason("on time (fake deadline service)");
}

void FakeDeadlineService::SetWhatIf(deadline::v1::WhatIfResponse response,
                                    grpc::Status status) {
  absl::MutexLock lock(&mu_);
  what_if_.response = std::move(response);
  what_if_.status = std::move(status);
}

void FakeDeadlineService::SetDeadlines(
    deadline::v1::ListDeadlinesResponse response, grpc::Status status) {
  absl::MutexLock lock(&mu_);
  deadlines_.response = std::move(response);
  deadlines_.status = std::move(status);
}

void FakeDeadlineService::SetCalendar(
    deadline::v1::ExportCalendarResponse response, grpc::Status status) {
  absl::MutexLock lock(&mu_);
  calendar_.response = std::move(response);
  calendar_.status = std::move(status);
}

std::vector<deadline::v1::WhatIfRequest> FakeDeadlineService::what_ifs() const {
  absl::MutexLock lock(&mu_);
  return what_if_.requests;
}

std::vector<deadline::v1::ListDeadlinesRequest>
FakeDeadlineService::deadline_lists() const {
  absl::MutexLock lock(&mu_);
  return deadlines_.requests;
}

std::vector<deadline::v1::ExportCalendarRequest>
FakeDeadlineService::calendar_exports() const {
  absl::MutexLock lock(&mu_);
  return calendar_.requests;
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* FakeDeadlineService::Answer(
    grpc::CallbackServerContext* context, Scripted<Request, Response>& script,
    const Request& request, Response* response) {
  grpc::Status status;
  {
    absl::MutexLock lock(&mu_);
    script.requests.push_back(request);
    status = script.status;
    if (status.ok()) *response = script.response;
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

grpc::ServerUnaryReactor* FakeDeadlineService::WhatIf(
    grpc::CallbackServerContext* context,
    const deadline::v1::WhatIfRequest* request,
    deadline::v1::WhatIfResponse* response) {
  return Answer(context, what_if_, *request, response);
}

grpc::ServerUnaryReactor* FakeDeadlineService::ListDeadlines(
    grpc::CallbackServerContext* context,
    const deadline::v1::ListDeadlinesRequest* request,
    deadline::v1::ListDeadlinesResponse* response) {
  return Answer(context, deadlines_, *request, response);
}

grpc::ServerUnaryReactor* FakeDeadlineService::ExportCalendar(
    grpc::CallbackServerContext* context,
    const deadline::v1::ExportCalendarRequest* request,
    deadline::v1::ExportCalendarResponse* response) {
  return Answer(context, calendar_, *request, response);
}

void FakeDeadlineService::SetVerdict(common::v1::VerdictKind kind,
                                     const std::string& reason) {
  SetHandler(VerdictHandler(kind, reason));
}

void FakeDeadlineService::SetError(grpc::Status status) {
  SetHandler([status](const deadline::v1::EvaluateRequest&,
                      deadline::v1::EvaluateResponse*) { return status; });
}

void FakeDeadlineService::SetHandler(Handler handler) {
  absl::MutexLock lock(&mu_);
  handler_ = std::move(handler);
}

void FakeDeadlineService::SetContentRule(
    std::optional<deadline::v1::ContentRule> content) {
  absl::MutexLock lock(&mu_);
  content_ = std::move(content);
}

void FakeDeadlineService::SetCompletionWindow(
    std::optional<absl::Duration> completion_window) {
  absl::MutexLock lock(&mu_);
  completion_window_ = completion_window;
}

void FakeDeadlineService::SetItems(deadline::v1::ListItemsResponse response) {
  absl::MutexLock lock(&mu_);
  items_ = std::move(response);
}

std::vector<deadline::v1::EvaluateRequest> FakeDeadlineService::evaluations()
    const {
  absl::MutexLock lock(&mu_);
  return evaluations_;
}

bool FakeDeadlineService::WaitForEvaluations(size_t count,
                                             absl::Duration timeout) const {
  const auto arrived = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return evaluations_.size() >= count;
  };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&arrived), timeout);
}

grpc::ServerUnaryReactor* FakeDeadlineService::Evaluate(
    grpc::CallbackServerContext* context,
    const deadline::v1::EvaluateRequest* request,
    deadline::v1::EvaluateResponse* response) {
  Handler handler;
  std::optional<deadline::v1::ContentRule> content;
  std::optional<absl::Duration> completion_window;
  {
    absl::MutexLock lock(&mu_);
    evaluations_.push_back(*request);
    handler = handler_;
    content = content_;
    completion_window = completion_window_;
  }
  const grpc::Status status = handler(*request, response);
  if (status.ok() && content.has_value())
    *response->mutable_content() = *content;
  if (status.ok() && completion_window.has_value()) {
    *response->mutable_completion_window() =
        ToProtoDuration(*completion_window);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

grpc::ServerUnaryReactor* FakeDeadlineService::ListItems(
    grpc::CallbackServerContext* context,
    const deadline::v1::ListItemsRequest* request,
    deadline::v1::ListItemsResponse* response) {
  {
    absl::MutexLock lock(&mu_);
    *response = items_;
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace handin::testing
