#include "services/deadline/policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "services/deadline/civil_text.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;

absl::string_view RoleName(v1::StaffRole role) {
  switch (role) {
    case v1::STAFF_ROLE_INSTRUCTOR:
      return "instructor";
    case v1::STAFF_ROLE_GRADER:
      return "grader";
    default:
      return "staff";
  }
}

// Returns the deduction for `lateness` under a percent-per-period rule:
// every started period costs `item.percent_per_period`, capped.
double PenaltyPercent(const ConcreteItem& item, absl::Duration lateness) {
  absl::Duration remainder;
  int64_t periods =
      absl::IDivDuration(lateness, item.penalty_period, &remainder);
  if (remainder > absl::ZeroDuration()) ++periods;
  return std::min(item.max_penalty_percent,
                  static_cast<double>(periods) * item.percent_per_period);
}

std::string FormatPercent(double percent) {
  // Whole percentages print without a fraction ("30%"), others with one
  // decimal place ("12.5%").
  if (percent == std::floor(percent)) {
    return absl::StrCat(static_cast<int64_t>(percent), "%");
  }
  return absl::StrCat(std::round(percent * 10) / 10, "%");
}

}  // namespace

const ConcreteItem* Course::FindItem(absl::string_view item_id) const {
  auto it = item_index_.find(item_id);
  return it == item_index_.end() ? nullptr : &items_[it->second];
}

bool Course::Owes(absl::string_view principal, const ConcreteItem& item) const {
  auto it = student_index_.find(principal);
  if (it == student_index_.end()) return false;
  return item.every_student || item.owed_by[it->second];
}

std::string Course::RefusalReason(absl::string_view principal,
                                  const ConcreteItem& item) const {
  auto student = student_index_.find(principal);
  if (student != student_index_.end()) {
    if (item.every_student || item.owed_by[student->second]) return "";
    return absl::StrCat(item.id, " is owed by ", item.audience_text, "; ",
                        principal, " is not one of them");
  }
  auto staff = staff_roles_.find(principal);
  if (staff != staff_roles_.end()) {
    return absl::StrCat(principal, " is course staff (",
                        RoleName(staff->second),
                        ") and owes no items; only students submit");
  }
  return absl::StrCat(principal, " is not on the roster of ", id(),
                      ", so may not submit ", item.id);
}

absl::StatusOr<Verdict> Course::Evaluate(
    absl::string_view principal, absl::string_view item_id,
    absl::Time started_at, std::optional<absl::Time> completed_at) const {
  return Evaluate(principal, item_id, started_at, completed_at, nullptr);
}

absl::StatusOr<Verdict> Course::Evaluate(absl::string_view principal,
                                         absl::string_view item_id,
                                         absl::Time started_at,
                                         std::optional<absl::Time> completed_at,
                                         const Extension* extension) const {
  return Evaluate(principal, item_id, started_at, completed_at, extension, 0);
}

int Course::LateDaysFor(absl::Duration lateness) const {
  if (lateness <= absl::ZeroDuration()) return 0;
  absl::Duration remainder;
  int64_t days = absl::IDivDuration(lateness, late_day_length_, &remainder);
  if (remainder > absl::ZeroDuration()) ++days;
  return static_cast<int>(
      std::min<int64_t>(days, std::numeric_limits<int>::max()));
}

std::string Course::SubmitterUnit(absl::string_view principal,
                                  const ConcreteItem& item) const {
  auto groups = owing_group_.find(item.id);
  auto student = student_index_.find(principal);
  if (groups == owing_group_.end() || student == student_index_.end()) {
    return std::string(principal);
  }
  auto group = groups->second.find(student->second);
  return group == groups->second.end() ? std::string(principal) : group->second;
}

absl::StatusOr<Verdict> Course::Evaluate(absl::string_view principal,
                                         absl::string_view item_id,
                                         absl::Time started_at,
                                         std::optional<absl::Time> completed_at,
                                         const Extension* extension,
                                         int late_days_spent) const {
  const ConcreteItem* item = FindItem(item_id);
  if (item == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "course ", id(), " has no item \"", item_id,
        "\"; item ids look like \"project-report\" or \"slides/2024-03-19\" "
        "(ListItems shows them all)"));
  }
  if (completed_at.has_value() && *completed_at < started_at) {
    return absl::InvalidArgumentError(
        absl::StrCat("completed_at ", FormatLocal(*completed_at, zone_),
                     " is before started_at ", FormatLocal(started_at, zone_)));
  }
  if (extension != nullptr && extension->item_id != item->id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an extension of ", extension->item_id, " cannot apply to ", item->id));
  }

  // The due instant and the sentences that depend on it.
  absl::Time due_at = item->due_at;
  std::string due_text = item->due_text;
  std::string late_text = item->late_text;
  if (extension != nullptr) {
    due_at = std::max(item->due_at, extension->due_at);
    due_text = ExtensionText(*extension, principal, due_at);
    if (item->late_kind == LateKind::kHardClose) {
      late_text = absl::StrCat("the extension closed at ",
                               FormatLocal(due_at + item->grace, zone_),
                               "; later submissions are refused");
    }
  }

  Verdict verdict;
  verdict.due_at = due_at;
  verdict.counted_at = started_at;
  std::string refusal = RefusalReason(principal, *item);
  if (!refusal.empty()) {
    verdict.kind = VERDICT_KIND_REFUSED;
    verdict.reason = std::move(refusal);
    return verdict;
  }

  // Extensions move the due instant only; the opening stays.
  if (started_at < item->opens_at) {
    verdict.kind = VERDICT_KIND_REFUSED;
    verdict.reason =
        absl::StrCat(item->id, " opens ", FormatLocal(item->opens_at, zone_),
                     "; started ", FormatLocal(started_at, zone_), ": ",
                     HumanDuration(item->opens_at - started_at), " early");
    return verdict;
  }

  std::string when = absl::StrCat("started ", FormatLocal(started_at, zone_));
  if (completed_at.has_value() &&
      *completed_at - started_at > item->completion_window) {
    verdict.counted_at = *completed_at;
    absl::StrAppend(&when, " but completed ", FormatLocal(*completed_at, zone_),
                    ", past the completion window of ",
                    HumanDuration(item->completion_window),
                    ", so the completion counts");
  }

  const absl::Duration past_due = verdict.counted_at - due_at;
  if (past_due <= item->grace) {
    verdict.kind = VERDICT_KIND_ON_TIME;
    if (past_due > absl::ZeroDuration()) {
      verdict.reason =
          absl::StrCat(due_text, "; ", when, ": ", HumanDuration(past_due),
                       " after the due time, within the grace of ",
                       HumanDuration(item->grace), ": on time");
    } else {
      verdict.reason = absl::StrCat(due_text, "; ", when, ": on time");
    }
    return verdict;
  }

  verdict.lateness = past_due;
  std::string late = absl::StrCat(due_text, "; ", when, ": ",
                                  HumanDuration(past_due), " late; ");
  switch (item->late_kind) {
    case LateKind::kAcceptFlagged:
      verdict.kind = VERDICT_KIND_LATE_COUNTED;
      verdict.reason = absl::StrCat(late, late_text);
      break;
    case LateKind::kNotCounted:
      verdict.kind = VERDICT_KIND_LATE_NOT_COUNTED;
      verdict.reason = absl::StrCat(late, late_text);
      break;
    case LateKind::kHardClose:
      verdict.kind = VERDICT_KIND_REFUSED;
      verdict.reason = absl::StrCat(late, late_text);
      break;
    case LateKind::kPercentPerPeriod: {
      const double penalty = PenaltyPercent(*item, past_due);
      if (penalty >= 100.0) {
        verdict.kind = VERDICT_KIND_LATE_NOT_COUNTED;
        verdict.reason =
            absl::StrCat(late, late_text, ": 100% deducted, not counted");
      } else {
        verdict.kind = VERDICT_KIND_LATE_COUNTED;
        verdict.penalty_percent = penalty;
        verdict.reason = absl::StrCat(late, late_text, ": ",
                                      FormatPercent(penalty), " deducted");
      }
      break;
    }
    case LateKind::kLateDays:
      SpendLateDays(*item, late, late_days_spent, verdict);
      break;
  }
  return verdict;
}

void Course::SpendLateDays(const ConcreteItem& item, absl::string_view late,
                           int late_days_spent, Verdict& verdict) const {
  const int needed = LateDaysFor(verdict.lateness);
  const int budget = late_day_budget();
  const int left = std::max(0, budget - late_days_spent);
  const std::string days =
      absl::StrCat(needed, needed == 1 ? " late day" : " late days");
  if ((item.max_late_days == 0 || needed <= item.max_late_days) &&
      needed <= left) {
    verdict.kind = VERDICT_KIND_LATE_COUNTED;
    verdict.late_days_spent = needed;
    verdict.reason = absl::StrCat(late, "spends ", days, " of the budget; ",
                                  left - needed, " of ", budget, " left");
    return;
  }
  verdict.kind = item.refuse_beyond_late_days ? VERDICT_KIND_REFUSED
                                              : VERDICT_KIND_LATE_NOT_COUNTED;
  const std::string why =
      needed <= left ? absl::StrCat("needs ", days, ", more than the ",
                                    item.max_late_days, " this item allows")
                     : absl::StrCat("needs ", days, " but only ", left, " of ",
                                    budget, " are left");
  verdict.reason = absl::StrCat(
      late, why, item.refuse_beyond_late_days ? ": refused" : ": not counted");
}

std::string Course::ExtensionText(const Extension& extension,
                                  absl::string_view principal,
                                  absl::Time due_at) const {
  std::string text = absl::StrCat("extended to ", FormatLocal(due_at, zone_),
                                  " by ", extension.granted_by);
  if (extension.principal != principal) {
    absl::StrAppend(&text, " for group ", extension.principal);
  }
  absl::StrAppend(&text, ": ", extension.reason);
  return text;
}

absl::StatusOr<std::vector<const ConcreteItem*>> Course::ListItems(
    absl::string_view principal) const {
  std::vector<const ConcreteItem*> out;
  if (principal.empty()) {
    out.reserve(items_.size());
    for (const ConcreteItem& item : items_) out.push_back(&item);
    return out;
  }
  if (staff_roles_.contains(principal)) return out;
  auto student = student_index_.find(principal);
  if (student == student_index_.end()) {
    return absl::NotFoundError(
        absl::StrCat(principal, " is not on the roster of ", id(),
                     " (neither a student nor staff); check the user id"));
  }
  for (const ConcreteItem& item : items_) {
    if (item.every_student || item.owed_by[student->second]) {
      out.push_back(&item);
    }
  }
  return out;
}

}  // namespace handin::deadline
