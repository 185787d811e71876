#include "clients/handin/deadlines.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/handin/errors.h"
#include "clients/handin/receipt.h"
#include "clients/handin/table.h"
#include "common/proto_time.h"

namespace handin::client {
namespace {

using ::handin::deadline::v1::Deadline;

// "1 day", "3 days": a count and its unit, plural when not 1.
std::string Count(int64_t n, const char* unit) {
  return absl::StrCat(n, " ", unit, n == 1 ? "" : "s");
}

absl::Duration TimeLeft(const Deadline& deadline) {
  return FromProtoDuration(deadline.time_left());
}

bool OnTimeNow(const Deadline& deadline) {
  return deadline.verdict_now() == common::v1::VERDICT_KIND_ON_TIME;
}

// Not yet due, or past due but still on time (within the grace).
bool Upcoming(const Deadline& deadline) {
  return TimeLeft(deadline) > absl::ZeroDuration() || OnTimeNow(deadline);
}

std::string LeftCell(const Deadline& deadline) {
  const absl::Duration left = TimeLeft(deadline);
  if (left <= absl::ZeroDuration() && OnTimeNow(deadline)) {
    return "past due (in grace)";
  }
  return FormatTimeLeft(left);
}

std::string VerdictCell(const Deadline& deadline) {
  common::v1::Verdict verdict;
  verdict.set_kind(deadline.verdict_now());
  verdict.set_penalty_percent(deadline.penalty_percent_now());
  return VerdictLabel(verdict);
}

// A file name the server suggests is used only if it is a plain base name.
std::string CalendarPath(const DeadlinesOptions& deadlines,
                         const deadline::v1::ExportCalendarResponse& exported,
                         const GlobalOptions& options) {
  if (!deadlines.ics_file.empty()) return deadlines.ics_file;
  const std::string& suggested = exported.file_name();
  if (!suggested.empty() && !absl::StrContains(suggested, '/') &&
      suggested != "." && suggested != "..") {
    return suggested;
  }
  return absl::StrCat(options.course, "-deadlines.ics");
}

int ExportCalendar(intake::v1::IntakeService::StubInterface& stub,
                   const GlobalOptions& options,
                   const DeadlinesOptions& deadlines, Console& console) {
  intake::v1::ExportMyCalendarRequest request;
  request.set_course_id(options.course);
  deadline::v1::ExportCalendarResponse response;
  const grpc::Status status = CallIntake(
      stub, &intake::v1::IntakeService::StubInterface::ExportMyCalendar,
      options, request, &response);
  if (!status.ok()) return ServerFailure(console, status, options);
  const std::string path = CalendarPath(deadlines, response, options);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << response.calendar();
  file.close();
  if (!file) {
    return LocalFailure(console, absl::StrCat("cannot write ", path, ": ",
                                              std::strerror(errno)));
  }
  const int events = CountCalendarEvents(response.calendar());
  console.out << "wrote " << Count(events, "event") << " to " << path << "\n";
  return kExitOk;
}

}  // namespace

std::string FormatTimeLeft(absl::Duration left) {
  if (left <= absl::ZeroDuration()) return "past due";
  const int64_t minutes = absl::ToInt64Minutes(left);
  const int64_t days = minutes / (24 * 60);
  const int64_t hours = minutes / 60 % 24;
  if (days > 0) {
    if (hours == 0) return Count(days, "day");
    return absl::StrCat(Count(days, "day"), " ", hours, " h");
  }
  if (hours > 0) {
    if (minutes % 60 == 0) return absl::StrCat(hours, " h");
    return absl::StrCat(hours, " h ", minutes % 60, " min");
  }
  if (minutes > 0) return absl::StrCat(minutes, " min");
  return "under 1 min";
}

namespace {

// FormatDeadlines without the late-day line.
std::string FormatDeadlineTable(
    const deadline::v1::ListDeadlinesResponse& response,
    const std::string& course, bool all) {
  if (response.deadlines().empty()) {
    return absl::StrCat("you owe nothing in ", course, "\n");
  }
  std::vector<const Deadline*> shown;
  for (const Deadline& deadline : response.deadlines()) {
    if (all || Upcoming(deadline)) shown.push_back(&deadline);
  }
  if (shown.empty()) {
    const int owed = response.deadlines_size();
    return absl::StrCat(
        "nothing upcoming; `handin deadlines --all` lists ",
        owed == 1 ? "the 1 item" : absl::StrCat("all ", owed, " items"),
        " you owe\n");
  }
  std::stable_sort(
      shown.begin(), shown.end(), [](const Deadline* a, const Deadline* b) {
        const absl::Time a_due = FromProtoTimestamp(a->item().due_at());
        const absl::Time b_due = FromProtoTimestamp(b->item().due_at());
        if (a_due != b_due) return a_due < b_due;
        return a->item().item_id() < b->item().item_id();
      });
  std::vector<TableRow> rows;
  rows.push_back({"ITEM", "DUE", "LEFT", "IF SUBMITTED NOW", "TITLE"});
  for (const Deadline* deadline : shown) {
    rows.push_back({deadline->item().item_id(), deadline->item().due_local(),
                    LeftCell(*deadline), VerdictCell(*deadline),
                    deadline->item().title()});
  }
  return AlignColumns(rows);
}

}  // namespace

std::string FormatDeadlines(const deadline::v1::ListDeadlinesResponse& response,
                            const std::string& course, bool all) {
  std::string text = FormatDeadlineTable(response, course, all);
  const int budget = response.late_days_budget();
  if (budget > 0) {
    const int left = std::max(0, budget - response.late_days_spent());
    absl::StrAppend(&text, "late days: ", left, " of ", budget, " left\n");
  }
  return text;
}

int CountCalendarEvents(const std::string& calendar) {
  int events = 0;
  for (absl::string_view line : absl::StrSplit(calendar, '\n')) {
    if (absl::StripSuffix(line, "\r") == "BEGIN:VEVENT") ++events;
  }
  return events;
}

int RunDeadlines(const GlobalOptions& options,
                 const DeadlinesOptions& deadlines, Console console) {
  auto stub = OpenIntake(options);
  if (!stub.ok()) return LocalFailure(console, stub.status().message());
  if (deadlines.ics) return ExportCalendar(**stub, options, deadlines, console);

  intake::v1::ListMyDeadlinesRequest request;
  request.set_course_id(options.course);
  deadline::v1::ListDeadlinesResponse response;
  const grpc::Status status = CallIntake(
      **stub, &intake::v1::IntakeService::StubInterface::ListMyDeadlines,
      options, request, &response);
  if (!status.ok()) return ServerFailure(console, status, options);
  console.out << FormatDeadlines(response, options.course, deadlines.all);
  return kExitOk;
}

}  // namespace handin::client
