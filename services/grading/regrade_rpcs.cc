// Regrade requests: a student asks about a score that applies to them, a
// grader resolves the request (optionally with a new score). Storage keeps
// and audits both.

#include <string>
#include <utility>

#include "services/grading/grade_checks.h"
#include "services/grading/gradebook.h"
#include "services/grading/grading_service.h"
#include "spdlog/spdlog.h"

namespace handin::grading {
namespace {

namespace storage_v1 = ::handin::storage::v1;
using StorageStub = storage_v1::StorageService::StubInterface;
using ::handin::common::v1::Regrade;

// The request `regrade_id` of the course; NOT_FOUND if there is none.
absl::StatusOr<Regrade> FindRegrade(Upstream& upstream,
                                    const std::string& course_id,
                                    const std::string& regrade_id) {
  storage_v1::ListRegradesRequest list;
  list.set_course_id(course_id);
  auto listed =
      upstream.Call(upstream.storage(), &StorageStub::ListRegrades, list,
                    absl::StrCat("listing the regrade requests of ", course_id,
                                 " from storage"));
  if (!listed.ok()) return listed.status();
  for (Regrade& regrade : *listed->mutable_regrades()) {
    if (regrade.regrade_id() == regrade_id) return std::move(regrade);
  }
  return absl::NotFoundError(
      absl::StrCat("course ", course_id, " has no regrade request \"",
                   regrade_id, "\" (ListRegrades shows them)"));
}

}  // namespace

grpc::ServerUnaryReactor* GradingServiceImpl::RequestRegrade(
    grpc::CallbackServerContext* context,
    const v1::RequestRegradeRequest* request,
    v1::RequestRegradeResponse* response) {
  return Run(
      context, request->course_id(),
      [request, response](const Principal& caller,
                          Upstream& upstream) -> absl::Status {
        for (const absl::Status& check :
             {RequireField("item_id", request->item_id()),
              RequireField("reason", request->reason()),
              CheckTextLength("reason", request->reason())}) {
          if (!check.ok()) return check;
        }
        auto policy = upstream.Policy(request->course_id());
        if (!policy.ok()) return policy.status();
        if (caller.role != Role::kStudent ||
            !IsStudent(*policy, caller.subject)) {
          return absl::PermissionDeniedError(absl::StrCat(
              caller.subject, " is not a student of ", request->course_id(),
              ": regrades are asked for by students, about their own scores"));
        }
        auto items = upstream.Items(request->course_id(), "");
        if (!items.ok()) return items.status();
        const auto item = std::find_if(
            items->items().begin(), items->items().end(),
            [&](const auto& i) { return i.item_id() == request->item_id(); });
        if (item == items->items().end()) {
          return CheckItem({}, request->course_id(), request->item_id());
        }
        storage_v1::ListScoresRequest scores;
        scores.set_course_id(request->course_id());
        scores.set_item_id(request->item_id());
        auto scored =
            upstream.Call(upstream.storage(), &StorageStub::ListScores, scores,
                          absl::StrCat("listing the scores of ",
                                       request->item_id(), " from storage"));
        if (!scored.ok()) return scored.status();
        const std::vector<handin::common::v1::Score> listed(
            scored->scores().begin(), scored->scores().end());
        const handin::common::v1::Score* score =
            ApplicableScore(*policy, listed, *item, caller.subject);
        if (score == nullptr) {
          return absl::FailedPreconditionError(absl::StrCat(
              request->item_id(), " has no score for ", caller.subject,
              " or their group yet; ask for a regrade once it is graded"));
        }
        storage_v1::CreateRegradeRequest create;
        Regrade& regrade = *create.mutable_regrade();
        regrade.set_course_id(request->course_id());
        regrade.set_item_id(request->item_id());
        regrade.set_principal(score->principal());
        regrade.set_requested_by(caller.subject);
        regrade.set_reason(request->reason());
        auto created = upstream.Call(
            upstream.storage(), &StorageStub::CreateRegrade, create,
            absl::StrCat("storing the regrade request of ", caller.subject));
        if (!created.ok()) return created.status();
        response->mutable_regrade()->Swap(created->mutable_regrade());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ResolveRegrade(
    grpc::CallbackServerContext* context,
    const v1::ResolveRegradeRequest* request,
    v1::ResolveRegradeResponse* response) {
  return Run(
      context, request->course_id(),
      [this, request, response](const Principal& caller,
                                Upstream& upstream) -> absl::Status {
        for (const absl::Status& check :
             {RequireField("regrade_id", request->regrade_id()),
              RequireField("response", request->response()),
              CheckTextLength("response", request->response())}) {
          if (!check.ok()) return check;
        }
        if (request->state() != common::v1::REGRADE_STATE_ACCEPTED &&
            request->state() != common::v1::REGRADE_STATE_REJECTED) {
          return absl::InvalidArgumentError(
              "state must be REGRADE_STATE_ACCEPTED or "
              "REGRADE_STATE_REJECTED");
        }
        absl::StatusOr<Regrade> open =
            FindRegrade(upstream, request->course_id(), request->regrade_id());
        if (!open.ok()) return open.status();
        if (open->state() != common::v1::REGRADE_STATE_OPEN) {
          return absl::FailedPreconditionError(
              absl::StrCat("regrade request ", request->regrade_id(),
                           " was already resolved by ", open->resolved_by()));
        }
        // The new score first: if resolving then fails, the request stays
        // open and resolving it again records the score again, harmlessly.
        if (request->has_rescore()) {
          auto stored =
              PutScore(upstream, request->course_id(), open->item_id(),
                       open->principal(), request->rescore().points(),
                       request->rescore().max_points(),
                       request->rescore().comment(), caller.subject);
          if (!stored.ok()) return stored.status();
          response->mutable_score()->Swap(stored->mutable_score());
        }
        storage_v1::ResolveRegradeRequest resolve;
        resolve.set_course_id(request->course_id());
        resolve.set_regrade_id(request->regrade_id());
        resolve.set_state(request->state());
        resolve.set_resolved_by(caller.subject);
        resolve.set_response(request->response());
        auto resolved = upstream.Call(
            upstream.storage(), &StorageStub::ResolveRegrade, resolve,
            absl::StrCat("resolving regrade request ", request->regrade_id()));
        if (!resolved.ok()) return resolved.status();
        response->mutable_regrade()->Swap(resolved->mutable_regrade());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ListRegrades(
    grpc::CallbackServerContext* context,
    const v1::ListRegradesRequest* request,
    v1::ListRegradesResponse* response) {
  return Run(context, request->course_id(),
             [request, response](const Principal&,
                                 Upstream& upstream) -> absl::Status {
               storage_v1::ListRegradesRequest list;
               list.set_course_id(request->course_id());
               list.set_item_id(request->item_id());
               list.set_open_only(request->open_only());
               auto listed = upstream.Call(
                   upstream.storage(), &StorageStub::ListRegrades, list,
                   absl::StrCat("listing the regrade requests of ",
                                request->course_id(), " from storage"));
               if (!listed.ok()) return listed.status();
               response->mutable_regrades()->Swap(listed->mutable_regrades());
               return absl::OkStatus();
             });
}

}  // namespace handin::grading
