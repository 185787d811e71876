// The submission half of DeadlineServiceImpl: what a principal's stored
// submissions mean under the policy — the late days they have spent (read
// from storage) and, for grading, which submission of an item counts.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "services/deadline/deadline_service.h"
#include "services/deadline/request_checks.h"
#include "services/deadline/storage_calls.h"

namespace handin::deadline {
namespace {

PastSubmission FromRecord(const handin::common::v1::SubmissionRecord& r) {
  PastSubmission out;
  out.submission_id = r.submission_id();
  out.item_id = r.item_id();
  out.principal = r.principal();
  out.kind = r.verdict().kind();
  out.lateness = FromProtoDuration(r.verdict().lateness());
  return out;
}

}  // namespace

absl::StatusOr<LateDayLedger> DeadlineServiceImpl::LedgerFor(
    absl::string_view principal) const {
  std::vector<PastSubmission> own;
  if (storage_ != nullptr) {
    handin::storage::v1::ListSubmissionsRequest request;
    request.set_course_id(course_->id());
    request.set_principal(std::string(principal));
    handin::storage::v1::ListSubmissionsResponse response;
    const grpc::Status status =
        storage_->ListSubmissions(StorageContext().get(), request, &response);
    if (!status.ok()) {
      return FromStorage(status, absl::StrCat("reading the submissions of ",
                                              principal, " for late days"));
    }
    for (const auto& record : response.submissions()) {
      own.push_back(FromRecord(record));
    }
  }
  return LateDayLedger(*course_, own);
}

absl::Status DeadlineServiceImpl::DoChooseCounted(
    const v1::ChooseCountedRequest& request,
    v1::ChooseCountedResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (absl::Status s = Require(request.item_id(), "item_id"); !s.ok()) {
    return s;
  }
  const ConcreteItem* item = course_->FindItem(request.item_id());
  if (item == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "course ", course_->id(), " has no item \"", request.item_id(), "\""));
  }
  // Unit -> its submissions; a map keeps the units sorted.
  std::map<std::string, std::vector<PastSubmission>> by_unit;
  for (const auto& record : request.submissions()) {
    if (record.item_id() != item->id ||
        (!record.course_id().empty() && record.course_id() != course_->id())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "submission ", record.submission_id(), " is of ", record.course_id(),
          " ", record.item_id(), ", not of ", course_->id(), " ", item->id));
    }
    by_unit[course_->SubmitterUnit(record.principal(), *item)].push_back(
        FromRecord(record));
  }
  response.set_counted_version(item->counted_version);
  for (const auto& [unit, submissions] : by_unit) {
    const int counted = deadline::ChooseCounted(*item, submissions);
    if (counted < 0) continue;
    v1::CountedSubmission& out = *response.add_counted();
    out.set_unit(unit);
    out.set_submission_id(submissions[counted].submission_id);
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::ChooseCounted(
    grpc::CallbackServerContext* context,
    const v1::ChooseCountedRequest* request,
    v1::ChooseCountedResponse* response) {
  return Run(context, [this, request, response] {
    return DoChooseCounted(*request, *response);
  });
}

}  // namespace handin::deadline
