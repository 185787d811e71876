// The rubric, the gradebook (staff's and a student's own), its CSV export
// and the history of grade changes.

#include <string>
#include <utility>

#include "common/proto_time.h"
#include "services/grading/csv.h"
#include "services/grading/grade_checks.h"
#include "services/grading/gradebook.h"
#include "services/grading/grading_service.h"

namespace handin::grading {
namespace {

namespace storage_v1 = ::handin::storage::v1;
using StorageStub = storage_v1::StorageService::StubInterface;

v1::GradeChangeKind ChangeKind(storage_v1::AuditEventKind kind) {
  switch (kind) {
    case storage_v1::AUDIT_EVENT_KIND_GRADE_RECORDED:
      return v1::GRADE_CHANGE_KIND_RECORDED;
    case storage_v1::AUDIT_EVENT_KIND_GRADE_CHANGED:
      return v1::GRADE_CHANGE_KIND_CHANGED;
    case storage_v1::AUDIT_EVENT_KIND_REGRADE_REQUESTED:
      return v1::GRADE_CHANGE_KIND_REGRADE_REQUESTED;
    case storage_v1::AUDIT_EVENT_KIND_REGRADE_RESOLVED:
      return v1::GRADE_CHANGE_KIND_REGRADE_RESOLVED;
    default:
      return v1::GRADE_CHANGE_KIND_UNSPECIFIED;
  }
}

}  // namespace

grpc::ServerUnaryReactor* GradingServiceImpl::ListItems(
    grpc::CallbackServerContext* context, const v1::ListItemsRequest* request,
    v1::ListItemsResponse* response) {
  return Run(context, request->course_id(),
             [request, response](const Principal&,
                                 Upstream& upstream) -> absl::Status {
               auto policy = upstream.Policy(request->course_id());
               if (!policy.ok()) return policy.status();
               auto items = upstream.Items(request->course_id(), "");
               if (!items.ok()) return items.status();
               for (auto& item : *items->mutable_items()) {
                 v1::GradedItem& out = *response->add_items();
                 out.set_component_id(ComponentIdOf(*policy, item));
                 out.mutable_item()->Swap(&item);
               }
               response->set_time_zone(items->time_zone());
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ListComponents(
    grpc::CallbackServerContext* context,
    const v1::ListComponentsRequest* request,
    v1::ListComponentsResponse* response) {
  return Run(
      context, request->course_id(),
      [request, response](const Principal&,
                          Upstream& upstream) -> absl::Status {
        auto policy = upstream.Policy(request->course_id());
        if (!policy.ok()) return policy.status();
        double total = 0;
        for (const auto& component : policy->grading()) {
          total += component.weight_percent();
          if (component.component_id() == kAttendanceComponentId) {
            response->set_attendance_component_id(component.component_id());
          }
        }
        response->mutable_components()->Swap(policy->mutable_grading());
        response->mutable_participation()->Swap(
            policy->mutable_participation());
        response->set_total_weight_percent(total);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* GradingServiceImpl::GetGradebook(
    grpc::CallbackServerContext* context,
    const v1::GetGradebookRequest* request,
    v1::GetGradebookResponse* response) {
  return Run(context, request->course_id(),
             [this, request, response](const Principal&,
                                       Upstream& upstream) -> absl::Status {
               const absl::Time now = clock_.Now();
               auto input = upstream.GatherGradebook(request->course_id(),
                                                     std::nullopt, now);
               if (!input.ok()) return input.status();
               Gradebook book = ComputeGradebook(*input);
               for (auto& row : book.students) {
                 *response->add_students() = std::move(row);
               }
               *response->mutable_components() = input->policy.grading();
               *response->mutable_computed_at() = ToProtoTimestamp(now);
               for (auto& warning : book.warnings) {
                 response->add_warnings(std::move(warning));
               }
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ExportGradebookCsv(
    grpc::CallbackServerContext* context,
    const v1::ExportGradebookCsvRequest* request,
    v1::ExportGradebookCsvResponse* response) {
  return Run(context, request->course_id(),
             [this, request, response](const Principal&,
                                       Upstream& upstream) -> absl::Status {
               auto input = upstream.GatherGradebook(
                   request->course_id(), std::nullopt, clock_.Now());
               if (!input.ok()) return input.status();
               const Gradebook book = ComputeGradebook(*input);
               response->set_csv(GradebookCsv({input->policy.grading().begin(),
                                               input->policy.grading().end()},
                                              book.students));
               response->set_rows(static_cast<int32_t>(book.students.size()));
               response->set_file_name(
                   absl::StrCat(request->course_id(), "-gradebook.csv"));
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* GradingServiceImpl::GetMyGrades(
    grpc::CallbackServerContext* context, const v1::GetMyGradesRequest* request,
    v1::GetMyGradesResponse* response) {
  return Run(
      context, request->course_id(),
      [this, request, response](const Principal& caller,
                                Upstream& upstream) -> absl::Status {
        const absl::Status not_a_student =
            absl::PermissionDeniedError(absl::StrCat(
                caller.subject, " is not a student of ", request->course_id(),
                ": GetMyGrades shows a student their own grades"));
        if (caller.role != Role::kStudent) return not_a_student;
        const absl::Time now = clock_.Now();
        auto input =
            upstream.GatherGradebook(request->course_id(), caller.subject, now);
        if (!input.ok()) return input.status();
        if (!IsStudent(input->policy, caller.subject)) return not_a_student;
        *response->mutable_grades() = GradeStudent(*input, caller.subject);
        *response->mutable_components() = input->policy.grading();
        *response->mutable_computed_at() = ToProtoTimestamp(now);
        storage_v1::ListRegradesRequest list;
        list.set_course_id(request->course_id());
        list.set_requested_by(caller.subject);
        auto regrades =
            upstream.Call(upstream.storage(), &StorageStub::ListRegrades, list,
                          absl::StrCat("listing the regrade requests of ",
                                       caller.subject, " from storage"));
        if (!regrades.ok()) return regrades.status();
        response->mutable_regrades()->Swap(regrades->mutable_regrades());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* GradingServiceImpl::ListGradeHistory(
    grpc::CallbackServerContext* context,
    const v1::ListGradeHistoryRequest* request,
    v1::ListGradeHistoryResponse* response) {
  return Run(context, request->course_id(),
             [request, response](const Principal&,
                                 Upstream& upstream) -> absl::Status {
               storage_v1::ListGradeAuditRequest list;
               list.set_course_id(request->course_id());
               auto audit = upstream.Call(
                   upstream.storage(), &StorageStub::ListGradeAudit, list,
                   absl::StrCat("reading the grade audit of ",
                                request->course_id(), " from storage"));
               if (!audit.ok()) return audit.status();
               for (auto& event : *audit->mutable_events()) {
                 v1::GradeChange& change = *response->add_changes();
                 change.set_sequence(event.sequence());
                 *change.mutable_recorded_at() = event.recorded_at();
                 change.set_kind(ChangeKind(event.kind()));
                 change.set_actor(event.actor());
                 if (event.has_old_grade()) {
                   change.mutable_old_value()->Swap(event.mutable_old_grade());
                 }
                 if (event.has_new_grade()) {
                   change.mutable_new_value()->Swap(event.mutable_new_grade());
                 }
                 change.set_hash_hex(event.hash_hex());
               }
               return absl::OkStatus();
             });
}

}  // namespace handin::grading
