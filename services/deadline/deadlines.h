#ifndef HANDIN_SERVICES_DEADLINE_DEADLINES_H_
#define HANDIN_SERVICES_DEADLINE_DEADLINES_H_

// What a principal owes, seen from an instant: the policy half of the
// ListDeadlines and ExportCalendar RPCs. Pure like Course: "now" is a
// parameter, never read from a clock here.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "handin/common/v1/common.pb.h"
#include "services/deadline/calendar.h"
#include "services/deadline/late_days.h"
#include "services/deadline/policy.h"

namespace handin::deadline {

// One item a principal owes, seen from `now`.
struct OwedItem {
  // The item; owned by the Course, which must outlive this.
  const ConcreteItem* item = nullptr;
  // The extension that applies, pointing into ListDeadlines' `extensions`;
  // null if none.
  const Extension* extension = nullptr;
  // The due instant for this principal: the item's, or the extended one.
  absl::Time due_at;
  // due_at - now; negative once the due instant has passed.
  absl::Duration time_left;
  // What an upload started at `now` would get: Course::Evaluate(principal,
  // item, now, no completion, extension).
  handin::common::v1::VerdictKind verdict_now =
      handin::common::v1::VERDICT_KIND_UNSPECIFIED;
  // The deduction of that verdict, 0 to 100.
  double penalty_percent_now = 0;
};

// Which due instants to list: [start, end); an absent bound is no bound.
struct DeadlineWindow {
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
};

// Returns the items `principal` owes whose due instant for them lies in
// `window`, sorted by that due instant then id, each seen from `now`, with
// the extension among `extensions` that applies (ChooseExtension in
// extensions.h) taken into account, and for items that spend late days the
// days `ledger` says were spent on other items (none when null). Staff owe
// nothing
// (empty list). NotFound if `principal` is not on the roster;
// InvalidArgument if `principal` is empty or the window ends before it
// starts.
absl::StatusOr<std::vector<OwedItem>> ListDeadlines(
    const Course& course, absl::string_view principal, absl::Time now,
    const DeadlineWindow& window = {},
    absl::Span<const Extension> extensions = {},
    const LateDayLedger* ledger = nullptr);

// Returns the calendar of every item `principal` owes, past ones included:
// one event per item from its due instant to the end of its grace (at
// least a minute, as DTEND must follow DTSTART), titled with the item's
// title and described by its rule sentence, then a line with its due
// instant in the course zone and its id; stamped `now`. When an extension
// among `extensions` applies to the item (ChooseExtension in extensions.h),
// the event is at the extended due instant (never earlier than the item's
// own, as in Course::Evaluate) and its description starts with
// Course::ExtensionText ("extended to 2024-05-03 18:00 EDT by prof:
// illness") and the late rule instead of the rule sentence. Event UIDs are
// CalendarUid, the same with or without an extension. NotFound if
// `principal` is not on the roster; InvalidArgument if it is empty;
// FailedPrecondition if they owe nothing (staff), as a calendar needs an
// event.
absl::StatusOr<Calendar> BuildCalendar(
    const Course& course, absl::string_view principal, absl::Time now,
    absl::Span<const Extension> extensions = {});

// Returns "<item id>+<course id>+<principal>@handin", e.g.
// "slides/2024-03-19+eecs598-w24+jiaheng@handin": the same in every export
// and distinct for distinct triples ('+' occurs in none of the ids).
std::string CalendarUid(const Course& course, const ConcreteItem& item,
                        absl::string_view principal);

// Returns a file name for the calendar, "<course id>-<principal>.ics".
std::string CalendarFileName(const Course& course, absl::string_view principal);

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_DEADLINES_H_
