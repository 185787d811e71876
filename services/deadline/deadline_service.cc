#include "services/deadline/deadline_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "services/deadline/calendar.h"
#include "services/deadline/civil_text.h"
#include "services/deadline/deadlines.h"
#include "services/deadline/extensions.h"
#include "services/deadline/request_checks.h"

namespace handin::deadline {
namespace {

grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context,
                                const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

void ToProto(Verdict verdict, handin::common::v1::Verdict& out) {
  out.set_kind(verdict.kind);
  out.set_reason(std::move(verdict.reason));
  *out.mutable_due_at() = ToProtoTimestamp(verdict.due_at);
  if (verdict.lateness > absl::ZeroDuration()) {
    *out.mutable_lateness() = ToProtoDuration(verdict.lateness);
  }
  out.set_penalty_percent(verdict.penalty_percent);
}

void ToProto(const ConcreteItem& item, const absl::TimeZone& zone,
             v1::ItemSummary& summary) {
  summary.set_item_id(item.id);
  summary.set_title(item.title);
  *summary.mutable_due_at() = ToProtoTimestamp(item.due_at);
  summary.set_due_local(FormatLocal(item.due_at, zone));
  summary.set_template_id(item.template_id);
  summary.set_session_id(item.session_id);
  summary.set_rule(item.rule_text);
  *summary.mutable_grace() = ToProtoDuration(item.grace);
  summary.set_audience(item.audience_text);
  summary.set_counted_version(item.counted_version);
}

// Shows `summary` as `principal` sees it under `extension` (if not null):
// the extended due instant, and the extension before the rule.
void ApplyExtension(const Course& course, const Extension* extension,
                    absl::string_view principal, absl::Time due_at,
                    v1::ItemSummary& summary) {
  if (extension == nullptr) return;
  *summary.mutable_due_at() = ToProtoTimestamp(due_at);
  summary.set_due_local(FormatLocal(due_at, course.time_zone()));
  summary.set_rule(
      absl::StrCat(course.ExtensionText(*extension, principal, due_at),
                   "; otherwise ", summary.rule()));
}

}  // namespace

DeadlineServiceImpl::DeadlineServiceImpl(
    std::shared_ptr<const Course> course, const Clock& clock,
    const CallAuthenticator& authenticator,
    std::unique_ptr<handin::storage::v1::StorageService::StubInterface> storage,
    int io_threads)
    : course_(std::move(course)),
      clock_(clock),
      authenticator_(authenticator),
      storage_(std::move(storage)) {
  // Each handler holds a thread for the length of its storage reads.
  if (storage_ != nullptr) executor_ = std::make_unique<Executor>(io_threads);
}

DeadlineServiceImpl::~DeadlineServiceImpl() { executor_.reset(); }

grpc::ServerUnaryReactor* DeadlineServiceImpl::Run(
    grpc::CallbackServerContext* context, std::function<absl::Status()> work) {
  if (executor_ == nullptr) return Reply(context, work());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  executor_->Schedule([reactor, work = std::move(work)] {
    reactor->Finish(ToGrpcStatus(work()));
  });
  return reactor;
}

absl::StatusOr<Verdict> DeadlineServiceImpl::EvaluateWithExtensions(
    absl::string_view principal, absl::string_view item_id,
    absl::Time started_at, std::optional<absl::Time> completed_at) const {
  absl::StatusOr<std::vector<Extension>> extensions = ExtensionsFor(principal);
  if (!extensions.ok()) return extensions.status();
  const Extension* extension =
      ChooseExtension(*course_, principal, item_id, *extensions);
  absl::StatusOr<Verdict> verdict = course_->Evaluate(
      principal, item_id, started_at, completed_at, extension);
  // Late days are read only when they could be spent.
  const ConcreteItem* item = course_->FindItem(item_id);
  if (!verdict.ok() || item->late_kind != LateKind::kLateDays ||
      verdict->lateness <= absl::ZeroDuration()) {
    return verdict;
  }
  absl::StatusOr<LateDayLedger> ledger = LedgerFor(principal);
  if (!ledger.ok()) return ledger.status();
  return course_->Evaluate(principal, item_id, started_at, completed_at,
                           extension, ledger->SpentExcept(item_id));
}

absl::Status DeadlineServiceImpl::CheckCourse(
    absl::string_view course_id) const {
  if (course_id.empty()) {
    return absl::InvalidArgumentError("course_id is required");
  }
  if (course_id != course_->id()) {
    return absl::NotFoundError(absl::StrCat(
        "no course \"", course_id, "\" here; this deadline service serves \"",
        course_->id(), "\""));
  }
  return absl::OkStatus();
}

absl::Status DeadlineServiceImpl::DoEvaluate(
    const v1::EvaluateRequest& request, v1::EvaluateResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (request.principal().empty()) {
    return absl::InvalidArgumentError("principal is required");
  }
  if (request.item_id().empty()) {
    return absl::InvalidArgumentError("item_id is required");
  }
  if (!request.has_started_at()) {
    return absl::InvalidArgumentError("started_at is required");
  }
  if (absl::Status s = CheckTimestamp(request.started_at(), "started_at");
      !s.ok()) {
    return s;
  }
  std::optional<absl::Time> completed_at;
  if (request.has_completed_at()) {
    if (absl::Status s = CheckTimestamp(request.completed_at(), "completed_at");
        !s.ok()) {
      return s;
    }
    completed_at = FromProtoTimestamp(request.completed_at());
  }
  absl::StatusOr<Verdict> verdict = EvaluateWithExtensions(
      request.principal(), request.item_id(),
      FromProtoTimestamp(request.started_at()), completed_at);
  if (!verdict.ok()) return verdict.status();
  ToProto(*std::move(verdict), *response.mutable_verdict());
  response.set_policy_digest(course_->policy_digest());
  // DoEvaluate's verdict came from Course::Evaluate, which found the item.
  const ConcreteItem& item = *course_->FindItem(request.item_id());
  if (item.content.ByteSizeLong() > 0) {
    *response.mutable_content() = item.content;
  }
  *response.mutable_completion_window() =
      ToProtoDuration(item.completion_window);
  return absl::OkStatus();
}

absl::Status DeadlineServiceImpl::DoListItems(
    const v1::ListItemsRequest& request,
    v1::ListItemsResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  auto items = course_->ListItems(request.principal());
  if (!items.ok()) return items.status();
  absl::StatusOr<std::vector<Extension>> extensions =
      request.principal().empty() ? std::vector<Extension>()
                                  : ExtensionsFor(request.principal());
  if (!extensions.ok()) return extensions.status();
  response.set_time_zone(course_->time_zone().name());
  for (const ConcreteItem* item : *items) {
    v1::ItemSummary& summary = *response.add_items();
    ToProto(*item, course_->time_zone(), summary);
    const Extension* extension =
        ChooseExtension(*course_, request.principal(), item->id, *extensions);
    if (extension != nullptr) {
      ApplyExtension(*course_, extension, request.principal(),
                     std::max(item->due_at, extension->due_at), summary);
    }
  }
  return absl::OkStatus();
}

absl::Status DeadlineServiceImpl::DoWhatIf(const v1::WhatIfRequest& request,
                                           v1::WhatIfResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (absl::Status s = Require(request.principal(), "principal"); !s.ok()) {
    return s;
  }
  if (absl::Status s = Require(request.item_id(), "item_id"); !s.ok()) {
    return s;
  }
  const absl::Time now = clock_.Now();
  absl::StatusOr<Verdict> verdict = EvaluateWithExtensions(
      request.principal(), request.item_id(), now, std::nullopt);
  if (!verdict.ok()) return verdict.status();
  ToProto(*std::move(verdict), *response.mutable_verdict());
  *response.mutable_evaluated_at() = ToProtoTimestamp(now);
  // Evaluate found the item, so FindItem does too.
  *response.mutable_completion_window() =
      ToProtoDuration(course_->FindItem(request.item_id())->completion_window);
  return absl::OkStatus();
}

absl::Status DeadlineServiceImpl::DoListDeadlines(
    const v1::ListDeadlinesRequest& request,
    v1::ListDeadlinesResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (absl::Status s = Require(request.principal(), "principal"); !s.ok()) {
    return s;
  }
  DeadlineWindow window;
  if (request.has_window_start()) {
    if (absl::Status s = CheckTimestamp(request.window_start(), "window_start");
        !s.ok()) {
      return s;
    }
    window.start = FromProtoTimestamp(request.window_start());
  }
  if (request.has_window_end()) {
    if (absl::Status s = CheckTimestamp(request.window_end(), "window_end");
        !s.ok()) {
      return s;
    }
    window.end = FromProtoTimestamp(request.window_end());
  }
  absl::StatusOr<std::vector<Extension>> extensions =
      ExtensionsFor(request.principal());
  if (!extensions.ok()) return extensions.status();
  std::optional<LateDayLedger> ledger;
  if (course_->late_day_budget() > 0) {
    absl::StatusOr<LateDayLedger> read = LedgerFor(request.principal());
    if (!read.ok()) return read.status();
    ledger = *std::move(read);
    response.set_late_days_budget(course_->late_day_budget());
    response.set_late_days_spent(ledger->Spent());
  }
  const absl::Time now = clock_.Now();
  absl::StatusOr<std::vector<OwedItem>> owed =
      deadline::ListDeadlines(*course_, request.principal(), now, window,
                              *extensions, ledger ? &*ledger : nullptr);
  if (!owed.ok()) return owed.status();
  response.set_time_zone(course_->time_zone().name());
  *response.mutable_evaluated_at() = ToProtoTimestamp(now);
  for (const OwedItem& owed_item : *owed) {
    v1::Deadline& deadline = *response.add_deadlines();
    ToProto(*owed_item.item, course_->time_zone(), *deadline.mutable_item());
    ApplyExtension(*course_, owed_item.extension, request.principal(),
                   owed_item.due_at, *deadline.mutable_item());
    *deadline.mutable_time_left() = ToProtoDuration(owed_item.time_left);
    deadline.set_verdict_now(owed_item.verdict_now);
    deadline.set_penalty_percent_now(owed_item.penalty_percent_now);
  }
  return absl::OkStatus();
}

absl::Status DeadlineServiceImpl::DoExportCalendar(
    const v1::ExportCalendarRequest& request,
    v1::ExportCalendarResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (absl::Status s = Require(request.principal(), "principal"); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<Extension>> extensions =
      ExtensionsFor(request.principal());
  if (!extensions.ok()) return extensions.status();
  absl::StatusOr<Calendar> calendar =
      BuildCalendar(*course_, request.principal(), clock_.Now(), *extensions);
  if (!calendar.ok()) return calendar.status();
  response.set_calendar(FormatCalendar(*calendar));
  response.set_file_name(CalendarFileName(*course_, request.principal()));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::Evaluate(
    grpc::CallbackServerContext* context, const v1::EvaluateRequest* request,
    v1::EvaluateResponse* response) {
  return Run(context, [this, request, response] {
    return DoEvaluate(*request, *response);
  });
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::ListItems(
    grpc::CallbackServerContext* context, const v1::ListItemsRequest* request,
    v1::ListItemsResponse* response) {
  return Run(context, [this, request, response] {
    return DoListItems(*request, *response);
  });
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::GetCoursePolicy(
    grpc::CallbackServerContext* context,
    const v1::GetCoursePolicyRequest* request,
    v1::GetCoursePolicyResponse* response) {
  absl::Status status = CheckCourse(request->course_id());
  if (status.ok()) {
    *response->mutable_policy() = course_->policy();
    for (const std::string& warning : course_->warnings()) {
      response->add_warnings(warning);
    }
  }
  return Reply(context, status);
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::WhatIf(
    grpc::CallbackServerContext* context, const v1::WhatIfRequest* request,
    v1::WhatIfResponse* response) {
  return Run(context, [this, request, response] {
    return DoWhatIf(*request, *response);
  });
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::ListDeadlines(
    grpc::CallbackServerContext* context,
    const v1::ListDeadlinesRequest* request,
    v1::ListDeadlinesResponse* response) {
  return Run(context, [this, request, response] {
    return DoListDeadlines(*request, *response);
  });
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::ExportCalendar(
    grpc::CallbackServerContext* context,
    const v1::ExportCalendarRequest* request,
    v1::ExportCalendarResponse* response) {
  return Run(context, [this, request, response] {
    return DoExportCalendar(*request, *response);
  });
}

}  // namespace handin::deadline
