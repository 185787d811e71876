#ifndef HANDIN_CLIENTS_HANDIN_DEADLINES_H_
#define HANDIN_CLIENTS_HANDIN_DEADLINES_H_

#include <string>

#include "absl/time/time.h"
#include "clients/handin/session.h"
#include "handin/deadline/v1/deadline_service.pb.h"

namespace handin::client {

// Options of `handin deadlines`.
struct DeadlinesOptions {
  // List every item owed, past ones included (--all); default: only the
  // upcoming ones (see FormatDeadlines).
  bool all = false;
  // Write the calendar instead of printing the table (--ics).
  bool ics = false;
  // Where --ics writes; empty: the file name the server suggests, in the
  // current directory.
  std::string ics_file;
};

// Formats how long is left until a due instant for people: "3 days 4 h",
// "1 day", "5 h 12 min", "12 min", "under 1 min"; "past due" when `left`
// is zero or negative.
std::string FormatTimeLeft(absl::Duration left);

// Returns `handin deadlines`'s output for `response` (sorted by due
// instant, then item id, whatever order it came in): a header row then one
// row per item (item, due in the course zone with its abbreviation, time
// left, what an upload started now would get, title), columns aligned.
// Unless `all`, only upcoming items are listed: those not yet due, or past
// due but still on time (grace), by the server's clock. Says so instead of
// printing an empty table: "you owe nothing in COURSE" when nothing is
// owed, "nothing upcoming; `handin deadlines --all` lists all N items you
// owe" when everything is past. When the course has a late-day budget, a
// last line says how many days are left: "late days: 3 of 5 left". Ends
// with a newline.
std::string FormatDeadlines(const deadline::v1::ListDeadlinesResponse& response,
                            const std::string& course, bool all);

// Returns the number of events (VEVENT components) in an iCalendar text.
int CountCalendarEvents(const std::string& calendar);

// `handin deadlines [--all] [--ics [FILE]]`: prints what the caller owes in
// the course (FormatDeadlines), or with `ics` writes the calendar intake
// exports to `ics_file` (default: the server's suggested name) and prints
// where and how many events. Returns 0 on success, kExitLocalError for a
// missing user, an unusable CA file or a file that cannot be written,
// kExitServerError when intake fails or cannot be reached.
int RunDeadlines(const GlobalOptions& options,
                 const DeadlinesOptions& deadlines, Console console);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_DEADLINES_H_
