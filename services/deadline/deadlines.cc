#include "services/deadline/deadlines.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/deadline/civil_text.h"
#include "services/deadline/extensions.h"

namespace handin::deadline {
namespace {

// A calendar event must end after it starts (RFC 5545, 3.8.2.2); a minute
// is the shortest span calendar applications draw.
constexpr absl::Duration kMinEventLength = absl::Minutes(1);

// The items `principal` owes; Course::ListItems without its "every item"
// reading of an empty principal.
absl::StatusOr<std::vector<const ConcreteItem*>> OwedBy(
    const Course& course, absl::string_view principal) {
  if (principal.empty()) {
    return absl::InvalidArgumentError(
        "principal is required: the user id whose deadlines to show");
  }
  return course.ListItems(principal);
}

}  // namespace

absl::StatusOr<std::vector<OwedItem>> ListDeadlines(
    const Course& course, absl::string_view principal, absl::Time now,
    const DeadlineWindow& window, absl::Span<const Extension> extensions,
    const LateDayLedger* ledger) {
  if (window.start.has_value() && window.end.has_value() &&
      *window.end < *window.start) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the window ends (", FormatLocal(*window.end, course.time_zone()),
        ") before it starts (", FormatLocal(*window.start, course.time_zone()),
        "); swap window_start and window_end"));
  }
  absl::StatusOr<std::vector<const ConcreteItem*>> items =
      OwedBy(course, principal);
  if (!items.ok()) return items.status();

  std::vector<OwedItem> out;
  for (const ConcreteItem* item : *items) {
    const Extension* extension =
        ChooseExtension(course, principal, item->id, extensions);
    absl::StatusOr<Verdict> verdict =
        course.Evaluate(principal, item->id, now, std::nullopt, extension,
                        ledger != nullptr ? ledger->SpentExcept(item->id) : 0);
    // The item came from the course, the extension was chosen for it and
    // no completion is given, so Evaluate has nothing to reject.
    if (!verdict.ok()) return verdict.status();
    if (window.start.has_value() && verdict->due_at < *window.start) continue;
    if (window.end.has_value() && verdict->due_at >= *window.end) continue;
    OwedItem owed;
    owed.item = item;
    owed.extension = extension;
    owed.due_at = verdict->due_at;
    owed.time_left = verdict->due_at - now;
    owed.verdict_now = verdict->kind;
    owed.penalty_percent_now = verdict->penalty_percent;
    out.push_back(owed);
  }
  // Extensions can move an item past later ones.
  std::stable_sort(out.begin(), out.end(),
                   [](const OwedItem& a, const OwedItem& b) {
                     return a.due_at != b.due_at ? a.due_at < b.due_at
                                                 : a.item->id < b.item->id;
                   });
  return out;
}

std::string CalendarUid(const Course& course, const ConcreteItem& item,
                        absl::string_view principal) {
  return absl::StrCat(item.id, "+", course.id(), "+", principal, "@handin");
}

std::string CalendarFileName(const Course& course,
                             absl::string_view principal) {
  return absl::StrCat(course.id(), "-", principal, ".ics");
}

absl::StatusOr<Calendar> BuildCalendar(const Course& course,
                                       absl::string_view principal,
                                       absl::Time now,
                                       absl::Span<const Extension> extensions) {
  absl::StatusOr<std::vector<const ConcreteItem*>> items =
      OwedBy(course, principal);
  if (!items.ok()) return items.status();
  if (items->empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        principal, " owes no items in ", course.id(),
        " (course staff owe nothing), so there is no calendar to export"));
  }
  Calendar calendar;
  calendar.product_id = "-//handin//deadline service//EN";
  const std::string& title = course.policy().title();
  calendar.name = absl::StrCat(title.empty() ? course.id() : title,
                               ": deadlines of ", principal);
  calendar.stamp = now;
  calendar.events.reserve(items->size());
  for (const ConcreteItem* item : *items) {
    CalendarEvent event;
    event.uid = CalendarUid(course, *item, principal);
    const Extension* extension =
        ChooseExtension(course, principal, item->id, extensions);
    // As Course::Evaluate: an extension never shortens.
    const absl::Time due_at = extension == nullptr
                                  ? item->due_at
                                  : std::max(item->due_at, extension->due_at);
    const std::string rule =
        extension == nullptr
            ? item->rule_text
            : absl::StrCat(course.ExtensionText(*extension, principal, due_at),
                           "; ", item->late_text);
    event.start = due_at;
    event.end = due_at + std::max(item->grace, kMinEventLength);
    event.summary = item->title;
    event.description = absl::StrCat(
        rule, "\nDue ", FormatLocal(due_at, course.time_zone()),
        "; submit it as item ", item->id, " of ", course.id(), ".");
    calendar.events.push_back(std::move(event));
  }
  return calendar;
}

}  // namespace handin::deadline
