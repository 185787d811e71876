#include "services/grading/upstream.h"

#include <utility>

#include "absl/container/flat_hash_set.h"

namespace handin::grading {
namespace {

namespace deadline_v1 = ::handin::deadline::v1;
namespace storage_v1 = ::handin::storage::v1;
using DeadlineStub = deadline_v1::DeadlineService::StubInterface;
using StorageStub = storage_v1::StorageService::StubInterface;

}  // namespace

absl::StatusOr<deadline_v1::CoursePolicy> Upstream::Policy(
    const std::string& course_id) {
  deadline_v1::GetCoursePolicyRequest request;
  request.set_course_id(course_id);
  auto response = Call(deadline_, &DeadlineStub::GetCoursePolicy, request,
                       absl::StrCat("reading the policy of ", course_id,
                                    " from the deadline service"));
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_policy());
}

absl::StatusOr<deadline_v1::ListItemsResponse> Upstream::Items(
    const std::string& course_id, const std::string& principal) {
  deadline_v1::ListItemsRequest request;
  request.set_course_id(course_id);
  request.set_principal(principal);
  return Call(deadline_, &DeadlineStub::ListItems, request,
              absl::StrCat("listing the items of ", course_id,
                           principal.empty() ? "" : " for ", principal,
                           " from the deadline service"));
}

absl::StatusOr<GradebookInput> Upstream::GatherGradebook(
    const std::string& course_id, const std::optional<std::string>& student,
    absl::Time now) {
  GradebookInput input;
  input.now = now;
  absl::StatusOr<deadline_v1::CoursePolicy> policy = Policy(course_id);
  if (!policy.ok()) return policy.status();
  input.policy = *std::move(policy);
  absl::StatusOr<deadline_v1::ListItemsResponse> items = Items(course_id, "");
  if (!items.ok()) return items.status();
  input.items.assign(items->items().begin(), items->items().end());
  for (const auto& enrolled : input.policy.roster().students()) {
    if (student.has_value() && enrolled.user_id() != *student) continue;
    auto owed = Items(course_id, enrolled.user_id());
    if (!owed.ok()) return owed.status();
    input.owed[enrolled.user_id()].assign(owed->items().begin(),
                                          owed->items().end());
  }

  storage_v1::ListSubmissionsRequest list;
  list.set_course_id(course_id);
  auto submissions = Call(
      storage_, &StorageStub::ListSubmissions, list,
      absl::StrCat("listing the submissions of ", course_id, " from storage"));
  if (!submissions.ok()) return submissions.status();
  input.submissions.assign(submissions->submissions().begin(),
                           submissions->submissions().end());
  // Which submission counts, per item with submissions (deadline's rule).
  absl::flat_hash_set<std::string> asked;
  for (const auto& record : input.submissions) {
    if (!asked.insert(record.item_id()).second) continue;
    deadline_v1::ChooseCountedRequest choose;
    choose.set_course_id(course_id);
    choose.set_item_id(record.item_id());
    for (const auto& candidate : input.submissions) {
      if (candidate.item_id() == record.item_id()) {
        *choose.add_submissions() = candidate;
      }
    }
    auto chosen = Call(deadline_, &DeadlineStub::ChooseCounted, choose,
                       absl::StrCat("asking the deadline service which "
                                    "submission of ",
                                    record.item_id(), " counts"));
    if (!chosen.ok()) return chosen.status();
    for (const auto& counted : chosen->counted()) {
      input.counted[record.item_id()][counted.unit()] = counted.submission_id();
    }
  }

  storage_v1::ListScoresRequest scores;
  scores.set_course_id(course_id);
  auto scored =
      Call(storage_, &StorageStub::ListScores, scores,
           absl::StrCat("listing the scores of ", course_id, " from storage"));
  if (!scored.ok()) return scored.status();
  input.scores.assign(scored->scores().begin(), scored->scores().end());
  storage_v1::ListAttendanceRequest attendance;
  attendance.set_course_id(course_id);
  if (student.has_value()) attendance.set_student(*student);
  auto attended = Call(
      storage_, &StorageStub::ListAttendance, attendance,
      absl::StrCat("listing the attendance of ", course_id, " from storage"));
  if (!attended.ok()) return attended.status();
  input.attendance.assign(attended->attendance().begin(),
                          attended->attendance().end());
  storage_v1::ListBestGroupVotesRequest votes;
  votes.set_course_id(course_id);
  auto voted = Call(storage_, &StorageStub::ListBestGroupVotes, votes,
                    absl::StrCat("listing the best-group votes of ", course_id,
                                 " from storage"));
  if (!voted.ok()) return voted.status();
  input.votes.assign(voted->votes().begin(), voted->votes().end());
  return input;
}

}  // namespace handin::grading
