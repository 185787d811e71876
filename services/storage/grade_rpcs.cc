// The grade RPCs of StorageServiceImpl: each runs its GradeStore call on
// the executor and finishes from there.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/storage/storage_service.h"
#include "services/storage/unary_rpc.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Regrade;
using ::handin::storage::v1::AuditEvent;

// INVALID_ARGUMENT unless the request carried its record.
absl::Status RequireRecord(bool present, absl::string_view what) {
  if (present) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("the request carries no ", what));
}

// Moves a put's outcome into a response with `set_stored` and
// `set_previous` fields; logs it.
template <typename Record, typename Response>
absl::Status Answer(absl::StatusOr<GradeChange<Record>> change,
                    Response* response, Record* (Response::*stored)(),
                    Record* (Response::*previous)()) {
  if (!change.ok()) return change.status();
  spdlog::info("event=grade_{} course={} kind={}",
               change->previous.has_value() ? "changed" : "recorded",
               change->stored.course_id(), Record::descriptor()->name());
  *(response->*stored)() = std::move(change->stored);
  if (change->previous.has_value()) {
    *(response->*previous)() = *std::move(change->previous);
  }
  return absl::OkStatus();
}

// Appends `records` to a repeated field.
template <typename Record, typename Field>
void MoveAll(std::vector<Record>& records, Field* field) {
  for (Record& record : records) *field->Add() = std::move(record);
}

}  // namespace

grpc::ServerUnaryReactor* StorageServiceImpl::PutScore(
    grpc::CallbackServerContext* context, const v1::PutScoreRequest* request,
    v1::PutScoreResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    if (absl::Status s = RequireRecord(request->has_score(), "score");
        !s.ok()) {
      return s;
    }
    return Answer(grades_->PutScore(request->score()), response,
                  &v1::PutScoreResponse::mutable_score,
                  &v1::PutScoreResponse::mutable_previous);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListScores(
    grpc::CallbackServerContext* context, const v1::ListScoresRequest* request,
    v1::ListScoresResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    auto found = grades_->ListScores(request->course_id(), request->item_id(),
                                     request->principal());
    if (!found.ok()) return found.status();
    MoveAll(*found, response->mutable_scores());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::PutAttendance(
    grpc::CallbackServerContext* context,
    const v1::PutAttendanceRequest* request,
    v1::PutAttendanceResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    if (absl::Status s =
            RequireRecord(request->has_attendance(), "attendance record");
        !s.ok()) {
      return s;
    }
    return Answer(grades_->PutAttendance(request->attendance()), response,
                  &v1::PutAttendanceResponse::mutable_attendance,
                  &v1::PutAttendanceResponse::mutable_previous);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListAttendance(
    grpc::CallbackServerContext* context,
    const v1::ListAttendanceRequest* request,
    v1::ListAttendanceResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    auto found = grades_->ListAttendance(
        request->course_id(), request->session_id(), request->student());
    if (!found.ok()) return found.status();
    MoveAll(*found, response->mutable_attendance());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::PutBestGroupVote(
    grpc::CallbackServerContext* context,
    const v1::PutBestGroupVoteRequest* request,
    v1::PutBestGroupVoteResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    if (absl::Status s = RequireRecord(request->has_vote(), "vote"); !s.ok()) {
      return s;
    }
    return Answer(grades_->PutBestGroupVote(request->vote()), response,
                  &v1::PutBestGroupVoteResponse::mutable_vote,
                  &v1::PutBestGroupVoteResponse::mutable_previous);
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListBestGroupVotes(
    grpc::CallbackServerContext* context,
    const v1::ListBestGroupVotesRequest* request,
    v1::ListBestGroupVotesResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    auto found = grades_->ListBestGroupVotes(request->course_id());
    if (!found.ok()) return found.status();
    MoveAll(*found, response->mutable_votes());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::CreateRegrade(
    grpc::CallbackServerContext* context,
    const v1::CreateRegradeRequest* request,
    v1::CreateRegradeResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    if (absl::Status s =
            RequireRecord(request->has_regrade(), "regrade request");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Regrade> created =
        grades_->CreateRegrade(request->regrade());
    if (!created.ok()) return created.status();
    spdlog::info("event=regrade_requested course={} item={} by={} id={}",
                 created->course_id(), created->item_id(),
                 created->requested_by(), created->regrade_id());
    *response->mutable_regrade() = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ResolveRegrade(
    grpc::CallbackServerContext* context,
    const v1::ResolveRegradeRequest* request,
    v1::ResolveRegradeResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    absl::StatusOr<Regrade> resolved = grades_->ResolveRegrade(
        request->course_id(), request->regrade_id(), request->state(),
        request->resolved_by(), request->response());
    if (!resolved.ok()) return resolved.status();
    spdlog::info("event=regrade_resolved course={} id={} by={} state={}",
                 resolved->course_id(), resolved->regrade_id(),
                 resolved->resolved_by(),
                 common::v1::RegradeState_Name(resolved->state()));
    *response->mutable_regrade() = *std::move(resolved);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListRegrades(
    grpc::CallbackServerContext* context,
    const v1::ListRegradesRequest* request,
    v1::ListRegradesResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    auto found =
        grades_->ListRegrades(request->course_id(), request->item_id(),
                              request->requested_by(), request->open_only());
    if (!found.ok()) return found.status();
    MoveAll(*found, response->mutable_regrades());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListGradeAudit(
    grpc::CallbackServerContext* context,
    const v1::ListGradeAuditRequest* request,
    v1::ListGradeAuditResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    absl::StatusOr<std::vector<AuditEvent>> events =
        grades_->ListAudit(request->course_id());
    if (!events.ok()) return events.status();
    MoveAll(*events, response->mutable_events());
    return absl::OkStatus();
  });
}

}  // namespace handin::storage
