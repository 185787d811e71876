#include "services/deadline/civil_text.h"

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace handin::deadline {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads exactly `n` decimal digits at `pos`; false if any is not a digit.
bool Digits(absl::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

bool ParseDateParts(absl::string_view text, absl::CivilDay* day) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !Digits(text, 0, 4, &y) || !Digits(text, 5, 2, &m) ||
      !Digits(text, 8, 2, &d)) {
    return false;
  }
  *day = absl::CivilDay(y, m, d);
  // CivilDay normalises out-of-range fields; a real date survives unchanged.
  return day->year() == y && day->month() == m && day->day() == d;
}

bool ParseTimeParts(absl::string_view text, int* h, int* m, int* s) {
  *s = 0;
  if (text.size() != 5 && text.size() != 8) return false;
  if (text[2] != ':' || !Digits(text, 0, 2, h) || !Digits(text, 3, 2, m)) {
    return false;
  }
  if (text.size() == 8 && (text[5] != ':' || !Digits(text, 6, 2, s))) {
    return false;
  }
  return *h < 24 && *m < 60 && *s < 60;
}

std::string Plural(int64_t n, absl::string_view unit) {
  return absl::StrCat(n, " ", unit, n == 1 ? "" : "s");
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseCivilDate(absl::string_view text) {
  absl::CivilDay day;
  if (!ParseDateParts(text, &day)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a date of the form YYYY-MM-DD (2024-03-19)"));
  }
  return day;
}

absl::StatusOr<absl::Duration> ParseTimeOfDay(absl::string_view text) {
  int h = 0, m = 0, s = 0;
  if (!ParseTimeParts(text, &h, &m, &s)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a time of day of the form HH:MM (10:30)"));
  }
  return absl::Hours(h) + absl::Minutes(m) + absl::Seconds(s);
}

absl::StatusOr<absl::CivilSecond> ParseCivilDateTime(absl::string_view text) {
  const size_t space = text.find(' ');
  absl::CivilDay day;
  int h = 0, m = 0, s = 0;
  if (space == absl::string_view::npos ||
      !ParseDateParts(text.substr(0, space), &day) ||
      !ParseTimeParts(text.substr(space + 1), &h, &m, &s)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text,
                     "\" is not a date and time of the form YYYY-MM-DD HH:MM "
                     "(2024-05-01 18:00)"));
  }
  return absl::CivilSecond(day.year(), day.month(), day.day(), h, m, s);
}

absl::StatusOr<absl::Time> ResolveCivil(absl::CivilSecond civil,
                                        const absl::TimeZone& zone,
                                        bool* repeated) {
  const absl::TimeZone::TimeInfo info = zone.At(civil);
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED) {
    return absl::InvalidArgumentError(absl::StrCat(
        absl::FormatCivilTime(civil), " does not exist in ", zone.name(),
        " (the clocks skip it for daylight saving time)"));
  }
  if (repeated != nullptr) {
    *repeated = info.kind == absl::TimeZone::TimeInfo::REPEATED;
  }
  return info.pre;  // For REPEATED, `pre` is the first occurrence.
}

std::string FormatLocal(absl::Time t, const absl::TimeZone& zone) {
  const absl::TimeZone::CivilInfo info = zone.At(t);
  return absl::FormatTime(
      info.cs.second() == 0 ? "%Y-%m-%d %H:%M %Z" : "%Y-%m-%d %H:%M:%S %Z", t,
      zone);
}

std::string ShortDate(absl::CivilDay day) {
  return absl::StrCat(kMonths[day.month() - 1], " ", day.day());
}

std::string HumanDuration(absl::Duration d) {
  d = absl::AbsDuration(d);
  if (d == absl::ZeroDuration()) return "0 seconds";
  if (d < absl::Seconds(1)) return "less than a second";
  int64_t seconds = absl::ToInt64Seconds(d);
  const int64_t days = seconds / 86400;
  const int64_t hours = seconds / 3600 % 24;
  const int64_t minutes = seconds / 60 % 60;
  seconds %= 60;
  std::vector<std::string> parts;
  if (days > 0) parts.push_back(Plural(days, "day"));
  if (hours > 0) parts.push_back(Plural(hours, "hour"));
  if (minutes > 0) parts.push_back(Plural(minutes, "minute"));
  if (seconds > 0) parts.push_back(Plural(seconds, "second"));
  return absl::StrJoin(parts, " ");
}

std::string ShortDuration(absl::Duration d) {
  d = absl::AbsDuration(d);
  int64_t seconds = absl::ToInt64Seconds(d);
  if (seconds == 0) return "0 s";
  // Whole days read better as days once they are two or more.
  if (seconds % 86400 == 0 && seconds >= 2 * 86400) {
    return absl::StrCat(seconds / 86400, " d");
  }
  const int64_t hours = seconds / 3600;
  const int64_t minutes = seconds / 60 % 60;
  seconds %= 60;
  std::vector<std::string> parts;
  if (hours > 0) parts.push_back(absl::StrCat(hours, " h"));
  if (minutes > 0) parts.push_back(absl::StrCat(minutes, " min"));
  if (seconds > 0) parts.push_back(absl::StrCat(seconds, " s"));
  return absl::StrJoin(parts, " ");
}

}  // namespace handin::deadline
