#include "tests/testing/fake_deadline_service.h"

#include <utility>

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
                              "on time (fake deadline service)")) {}

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
  {
    absl::MutexLock lock(&mu_);
    evaluations_.push_back(*request);
    handler = handler_;
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(handler(*request, response));
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
