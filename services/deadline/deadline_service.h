#ifndef HANDIN_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
#define HANDIN_SERVICES_DEADLINE_DEADLINE_SERVICE_H_

// The gRPC face of the deadline engine: converts requests to Course calls
// and absl::Status to grpc::Status. No policy logic lives here.

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/call_authenticator.h"
#include "common/clock.h"
#include "common/executor.h"
#include "grpcpp/grpcpp.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/deadline/late_days.h"
#include "services/deadline/policy.h"

namespace handin::deadline {

// Serves one course. Its callers are other handin services (intake asks it
// for verdicts) and, for WhatIf, ListDeadlines and ExportCalendar, the
// student CLI; calls name the principal in the request and carry no
// checked user identity (binding `principal` to the caller comes with
// signed tokens). Thread-safe.
//
// Extensions: with a storage stub, Evaluate, WhatIf, ListItems (for a
// principal), ListDeadlines and ExportCalendar read the extensions of the
// principal and of each group they are in from storage and apply the one
// ChooseExtension (extensions.h) picks; a storage failure fails the call (with
// storage's code), as a verdict that ignored a granted extension would be
// wrong. Those handlers then run on an executor of this service, never blocking
// gRPC's callback threads. Without a stub, extensions are disabled: the
// handlers run inline as before, and the extension RPCs return
// FAILED_PRECONDITION.
class DeadlineServiceImpl final
    : public handin::deadline::v1::DeadlineService::CallbackService {
 public:
  // Serves `course`, which must not be null. `clock` is "now" for WhatIf,
  // ListDeadlines and ExportCalendar (handin::SystemClock in production, a
  // FakeClock in tests); not owned, it must outlive the service.
  // `authenticator` (not owned, outlives the service) names the staff member
  // who grants, revokes or lists extensions: the token's subject, never a
  // request field. `storage` (may be null: extensions disabled) keeps the
  // extensions; the handlers that read it run on `io_threads` threads.
  DeadlineServiceImpl(
      std::shared_ptr<const Course> course, const Clock& clock,
      const CallAuthenticator& authenticator,
      std::unique_ptr<handin::storage::v1::StorageService::StubInterface>
          storage = nullptr,
      int io_threads = 16);
  // Runs the calls queued on the executor first; stop the server before.
  ~DeadlineServiceImpl() override;

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
  // at clock.Now() under the principal's extensions, formatted by
  // FormatCalendar (calendar.h).
  grpc::ServerUnaryReactor* ExportCalendar(
      grpc::CallbackServerContext* context,
      const v1::ExportCalendarRequest* request,
      v1::ExportCalendarResponse* response) override;

  // FAILED_PRECONDITION without storage; then ValidateGrant
  // (extensions.h) with acting_user as the granter (INVALID_ARGUMENT also
  // for a missing or malformed due_at); then storage's PutExtension, whose
  // errors pass through.
  grpc::ServerUnaryReactor* GrantExtension(
      grpc::CallbackServerContext* context,
      const v1::GrantExtensionRequest* request,
      v1::GrantExtensionResponse* response) override;

  // FAILED_PRECONDITION without storage; PERMISSION_DENIED unless
  // acting_user is an instructor; INVALID_ARGUMENT for a missing item_id,
  // principal or reason; then storage's DeleteExtension (NOT_FOUND if there
  // is no such extension).
  grpc::ServerUnaryReactor* RevokeExtension(
      grpc::CallbackServerContext* context,
      const v1::RevokeExtensionRequest* request,
      v1::RevokeExtensionResponse* response) override;

  // FAILED_PRECONDITION without storage; PERMISSION_DENIED unless
  // acting_user is course staff; then storage's ListExtensions.
  grpc::ServerUnaryReactor* ListExtensions(
      grpc::CallbackServerContext* context,
      const v1::ListExtensionsRequest* request,
      v1::ListExtensionsResponse* response) override;

  // INVALID_ARGUMENT / NOT_FOUND as the proto says; otherwise, per
  // submitter unit (Course::SubmitterUnit), the submission ChooseCounted
  // (late_days.h) picks. Reads nothing from storage.
  grpc::ServerUnaryReactor* ChooseCounted(
      grpc::CallbackServerContext* context,
      const v1::ChooseCountedRequest* request,
      v1::ChooseCountedResponse* response) override;

 private:
  // Finishes the call with `work`'s status: inline without storage, else
  // on the executor (work that may call storage).
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                std::function<absl::Status()> work);
  // Returns the extensions granted to `principal` or to any of their
  // groups, read from storage (none without storage). Blocks: only on the
  // executor.
  absl::StatusOr<std::vector<Extension>> ExtensionsFor(
      absl::string_view principal) const;
  // Course::Evaluate under the extension that applies to `principal`
  // (ExtensionsFor, ChooseExtension). Blocks as ExtensionsFor does.
  absl::StatusOr<Verdict> EvaluateWithExtensions(
      absl::string_view principal, absl::string_view item_id,
      absl::Time started_at, std::optional<absl::Time> completed_at) const;
  // Returns the late days `principal` has spent, from their submissions in
  // storage (none without storage). Blocks: only on the executor.
  absl::StatusOr<LateDayLedger> LedgerFor(absl::string_view principal) const;
  absl::Status DoChooseCounted(const v1::ChooseCountedRequest& request,
                               v1::ChooseCountedResponse& response) const;
  // FAILED_PRECONDITION naming --storage_addr if there is no storage.
  absl::Status CheckStorage() const;
  // The user id of the staff member a call acts for: its token's subject.
  // PERMISSION_DENIED for a token of another course, or when the request's
  // (optional) acting_user names someone else.
  absl::StatusOr<std::string> ActingUser(
      const grpc::CallbackServerContext& context, absl::string_view course_id,
      absl::string_view acting_user) const;
  absl::Status DoGrant(const v1::GrantExtensionRequest& request,
                       const std::string& acting_user,
                       v1::GrantExtensionResponse& response) const;
  absl::Status DoRevoke(const v1::RevokeExtensionRequest& request,
                        const std::string& acting_user,
                        v1::RevokeExtensionResponse& response) const;
  absl::Status DoListExtensions(const v1::ListExtensionsRequest& request,
                                const std::string& acting_user,
                                v1::ListExtensionsResponse& response) const;

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
  const CallAuthenticator& authenticator_;
  const std::unique_ptr<handin::storage::v1::StorageService::StubInterface>
      storage_;
  // Set when storage_ is: runs the handlers that call storage.
  std::unique_ptr<Executor> executor_;
};

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
