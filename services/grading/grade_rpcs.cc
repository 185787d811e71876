// Recording and listing scores, attendance and best-group results: checked
// against the course policy here, stored and audited by storage, with the
// verified caller as the grader.

#include <string>
#include <utility>

#include "services/grading/grade_checks.h"
#include "services/grading/grading_service.h"
#include "spdlog/spdlog.h"

namespace handin::grading {
namespace {

namespace storage_v1 = ::handin::storage::v1;
using StorageStub = storage_v1::StorageService::StubInterface;

// Returns the first failed check, or OK.
absl::Status FirstError(std::initializer_list<absl::Status> checks) {
  for (const absl::Status& check : checks) {
    if (!check.ok()) return check;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<storage_v1::PutScoreResponse> GradingServiceImpl::PutScore(
    Upstream& upstream, const std::string& course_id,
    const std::string& item_id, const std::string& principal, double points,
    double max_points, const std::string& comment, const std::string& grader) {
  if (absl::Status s =
          FirstError({RequireField("item_id", item_id),
                      RequireField("principal", principal),
                      CheckScoreValue(points, max_points, comment)});
      !s.ok()) {
    return s;
  }
  auto policy = upstream.Policy(course_id);
  if (!policy.ok()) return policy.status();
  auto items = upstream.Items(course_id, "");
  if (!items.ok()) return items.status();
  if (absl::Status s =
          FirstError({CheckItem({items->items().begin(), items->items().end()},
                                course_id, item_id),
                      CheckPrincipal(*policy, principal)});
      !s.ok()) {
    return s;
  }
  storage_v1::PutScoreRequest put;
  handin::common::v1::Score& score = *put.mutable_score();
  score.set_course_id(course_id);
  score.set_item_id(item_id);
  score.set_principal(principal);
  score.set_points(points);
  score.set_max_points(max_points);
  score.set_comment(comment);
  score.set_grader(grader);
  auto stored = upstream.Call(
      upstream.storage(), &StorageStub::PutScore, put,
      absl::StrCat("storing the score of ", principal, " for ", item_id));
  if (stored.ok()) {
    spdlog::info("event=score_recorded course={} item={} principal={} by={}",
                 course_id, item_id, principal, grader);
  }
  return stored;
}

grpc::ServerUnaryReactor* GradingServiceImpl::RecordScore(
    grpc::CallbackServerContext* context, const v1::RecordScoreRequest* request,
    v1::RecordScoreResponse* response) {
  return Run(context, request->course_id(),
             [this, request, response](const Principal& caller,
                                       Upstream& upstream) -> absl::Status {
               auto stored = PutScore(upstream, request->course_id(),
                                      request->item_id(), request->principal(),
                                      request->points(), request->max_points(),
                                      request->comment(), caller.subject);
               if (!stored.ok()) return stored.status();
               response->mutable_score()->Swap(stored->mutable_score());
               if (stored->has_previous()) {
                 response->mutable_previous()->Swap(stored->mutable_previous());
               }
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ListScores(
    grpc::CallbackServerContext* context, const v1::ListScoresRequest* request,
    v1::ListScoresResponse* response) {
  return Run(context, request->course_id(),
             [request, response](const Principal&,
                                 Upstream& upstream) -> absl::Status {
               storage_v1::ListScoresRequest list;
               list.set_course_id(request->course_id());
               list.set_item_id(request->item_id());
               list.set_principal(request->principal());
               auto listed = upstream.Call(
                   upstream.storage(), &StorageStub::ListScores, list,
                   absl::StrCat("listing the scores of ", request->course_id(),
                                " from storage"));
               if (!listed.ok()) return listed.status();
               response->mutable_scores()->Swap(listed->mutable_scores());
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* GradingServiceImpl::RecordAttendance(
    grpc::CallbackServerContext* context,
    const v1::RecordAttendanceRequest* request,
    v1::RecordAttendanceResponse* response) {
  return Run(
      context, request->course_id(),
      [request, response](const Principal& caller,
                          Upstream& upstream) -> absl::Status {
        if (absl::Status s =
                FirstError({RequireField("session_id", request->session_id()),
                            RequireField("student", request->student())});
            !s.ok()) {
          return s;
        }
        auto policy = upstream.Policy(request->course_id());
        if (!policy.ok()) return policy.status();
        if (absl::Status s =
                FirstError({CheckSession(*policy, request->session_id()),
                            CheckStudent(*policy, request->student())});
            !s.ok()) {
          return s;
        }
        storage_v1::PutAttendanceRequest put;
        handin::common::v1::Attendance& record = *put.mutable_attendance();
        record.set_course_id(request->course_id());
        record.set_session_id(request->session_id());
        record.set_student(request->student());
        record.set_present(request->present());
        record.set_recorded_by(caller.subject);
        auto stored = upstream.Call(
            upstream.storage(), &StorageStub::PutAttendance, put,
            absl::StrCat("storing the attendance of ", request->student(),
                         " on ", request->session_id()));
        if (!stored.ok()) return stored.status();
        response->mutable_attendance()->Swap(stored->mutable_attendance());
        if (stored->has_previous()) {
          response->mutable_previous()->Swap(stored->mutable_previous());
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ListAttendance(
    grpc::CallbackServerContext* context,
    const v1::ListAttendanceRequest* request,
    v1::ListAttendanceResponse* response) {
  return Run(
      context, request->course_id(),
      [request, response](const Principal&,
                          Upstream& upstream) -> absl::Status {
        storage_v1::ListAttendanceRequest list;
        list.set_course_id(request->course_id());
        list.set_session_id(request->session_id());
        list.set_student(request->student());
        auto listed = upstream.Call(
            upstream.storage(), &StorageStub::ListAttendance, list,
            absl::StrCat("listing the attendance of ", request->course_id(),
                         " from storage"));
        if (!listed.ok()) return listed.status();
        response->mutable_attendance()->Swap(listed->mutable_attendance());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* GradingServiceImpl::RecordBestGroupVote(
    grpc::CallbackServerContext* context,
    const v1::RecordBestGroupVoteRequest* request,
    v1::RecordBestGroupVoteResponse* response) {
  return Run(
      context, request->course_id(),
      [request, response](const Principal& caller,
                          Upstream& upstream) -> absl::Status {
        if (absl::Status s =
                FirstError({RequireField("session_id", request->session_id()),
                            RequireField("group_id", request->group_id())});
            !s.ok()) {
          return s;
        }
        if (request->votes() < 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              "votes is ", request->votes(), "; it cannot be negative"));
        }
        auto policy = upstream.Policy(request->course_id());
        if (!policy.ok()) return policy.status();
        if (absl::Status s =
                FirstError({CheckSession(*policy, request->session_id()),
                            CheckGroup(*policy, request->group_id())});
            !s.ok()) {
          return s;
        }
        storage_v1::PutBestGroupVoteRequest put;
        handin::common::v1::BestGroupVote& vote = *put.mutable_vote();
        vote.set_course_id(request->course_id());
        vote.set_session_id(request->session_id());
        vote.set_group_id(request->group_id());
        vote.set_votes(request->votes());
        vote.set_recorded_by(caller.subject);
        auto stored = upstream.Call(
            upstream.storage(), &StorageStub::PutBestGroupVote, put,
            absl::StrCat("storing the best group of ", request->session_id()));
        if (!stored.ok()) return stored.status();
        response->mutable_vote()->Swap(stored->mutable_vote());
        if (stored->has_previous()) {
          response->mutable_previous()->Swap(stored->mutable_previous());
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ListBestGroupVotes(
    grpc::CallbackServerContext* context,
    const v1::ListBestGroupVotesRequest* request,
    v1::ListBestGroupVotesResponse* response) {
  return Run(context, request->course_id(),
             [request, response](const Principal&,
                                 Upstream& upstream) -> absl::Status {
               storage_v1::ListBestGroupVotesRequest list;
               list.set_course_id(request->course_id());
               auto listed = upstream.Call(
                   upstream.storage(), &StorageStub::ListBestGroupVotes, list,
                   absl::StrCat("listing the best-group votes of ",
                                request->course_id(), " from storage"));
               if (!listed.ok()) return listed.status();
               response->mutable_votes()->Swap(listed->mutable_votes());
               return absl::OkStatus();
             });
}

}  // namespace handin::grading
