#ifndef HANDIN_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
#define HANDIN_SERVICES_DEADLINE_DEADLINE_SERVICE_H_

// The gRPC face of the deadline engine: converts requests to Course calls
// and absl::Status to grpc::Status. No policy logic lives here.

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "grpcpp/grpcpp.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "services/deadline/policy.h"

namespace handin::deadline {

// Serves one course. Its callers are other handin services (intake asks it
// for verdicts) and, for WhatIf, ListDeadlines and ExportCalendar, the
// student CLI; calls name the principal in the request and carry no
// checked user identity (binding `principal` to the caller comes with
// signed tokens). Thread-safe; handlers run inline on gRPC's callback
// threads and never block.
class DeadlineServiceImpl final
    : public handin::deadline::v1::DeadlineService::CallbackService {
 public:
  // Serves `course`, which must not be null. `clock` is "now" for WhatIf,
  // ListDeadlines and ExportCalendar (handin::SystemClock in production, a
  // FakeClock in tests); not owned, it must outlive the service.
  DeadlineServiceImpl(std::shared_ptr<const Course> course, const Clock& clock);

  // INVALID_ARGUMENT when course_id, principal, item_id or started_at is
  // missing or a timestamp is malformed; NOT_FOUND (naming the course this
  // process serves) for another course, NOT_FOUND for an unknown item;
  // otherwise the verdict of Course::Evaluate.
  grpc::ServerUnaryReactor* Evaluate(grpc::CallbackServerContext* context,
                                     const v1::EvaluateRequest* request,
                                     v1::EvaluateResponse* response) override;

  // NOT_FOUND for another course or a principal not on the roster;
  // otherwise Course::ListItems with each item's due instant, local time
  // and rule.
  grpc::ServerUnaryReactor* ListItems(grpc::CallbackServerContext* context,
                                      const v1::ListItemsRequest* request,
                                      v1::ListItemsResponse* response) override;

  // NOT_FOUND for another course; otherwise the policy and its warnings.
  grpc::ServerUnaryReactor* GetCoursePolicy(
      grpc::CallbackServerContext* context,
      const v1::GetCoursePolicyRequest* request,
      v1::GetCoursePolicyResponse* response) override;

  // INVALID_ARGUMENT when course_id, principal or item_id is missing;
  // NOT_FOUND for another course or an unknown item; otherwise the verdict
  // of Course::Evaluate for an upload started at clock.Now() with no
  // completion yet.
  grpc::ServerUnaryReactor* WhatIf(grpc::CallbackServerContext* context,
                                   const v1::WhatIfRequest* request,
                                   v1::WhatIfResponse* response) override;

  // INVALID_ARGUMENT when course_id or principal is missing, a window bound
  // is malformed or the window is reversed; NOT_FOUND for another course
  // or a principal not on the roster; otherwise ListDeadlines
  // (deadlines.h) at clock.Now().
  grpc::ServerUnaryReactor* ListDeadlines(
      grpc::CallbackServerContext* context,
      const v1::ListDeadlinesRequest* request,
      v1::ListDeadlinesResponse* response) override;

  // INVALID_ARGUMENT when course_id or principal is missing; NOT_FOUND for
  // another course or a principal not on the roster; FAILED_PRECONDITION
  // for a principal who owes nothing; otherwise BuildCalendar (deadlines.h)
  // at clock.Now(), formatted by FormatCalendar (calendar.h).
  grpc::ServerUnaryReactor* ExportCalendar(
      grpc::CallbackServerContext* context,
      const v1::ExportCalendarRequest* request,
      v1::ExportCalendarResponse* response) override;

 private:
  absl::Status CheckCourse(absl::string_view course_id) const;
  absl::Status DoEvaluate(const v1::EvaluateRequest& request,
                          v1::EvaluateResponse& response) const;
  absl::Status DoListItems(const v1::ListItemsRequest& request,
                           v1::ListItemsResponse& response) const;
  absl::Status DoWhatIf(const v1::WhatIfRequest& request,
                        v1::WhatIfResponse& response) const;
  absl::Status DoListDeadlines(const v1::ListDeadlinesRequest& request,
                               v1::ListDeadlinesResponse& response) const;
  absl::Status DoExportCalendar(const v1::ExportCalendarRequest& request,
                                v1::ExportCalendarResponse& response) const;

  std::shared_ptr<const Course> course_;
  const Clock& clock_;
};

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
