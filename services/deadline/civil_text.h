#ifndef HANDIN_SERVICES_DEADLINE_CIVIL_TEXT_H_
#define HANDIN_SERVICES_DEADLINE_CIVIL_TEXT_H_

// The edges where civil (wall-clock) text meets absl time types: parsing the
// forms a policy is written in, and formatting instants and durations for
// the sentences a verdict carries. Strict: only the documented forms parse.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace handin::deadline {

// Parses a civil date "YYYY-MM-DD", e.g. "2024-03-19". InvalidArgument,
// quoting `text`, if it is not in that form or is no real date
// ("2024-02-30").
absl::StatusOr<absl::CivilDay> ParseCivilDate(absl::string_view text);

// Parses a time of day "HH:MM" or "HH:MM:SS" (00:00 to 23:59:59) and returns
// it as the time elapsed since midnight. InvalidArgument otherwise.
absl::StatusOr<absl::Duration> ParseTimeOfDay(absl::string_view text);

// Parses "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (one space between).
// InvalidArgument otherwise.
absl::StatusOr<absl::CivilSecond> ParseCivilDateTime(absl::string_view text);

// Returns the instant at which `civil` happens in `zone`. InvalidArgument if
// the zone skips that time (a daylight-saving gap). When the time happens
// twice (the hour repeated in autumn), returns the first and, if `repeated`
// is not null, sets it to true.
absl::StatusOr<absl::Time> ResolveCivil(absl::CivilSecond civil,
                                        const absl::TimeZone& zone,
                                        bool* repeated = nullptr);

// Formats `t` in `zone` as "2024-03-18 10:30 EDT"; seconds are shown only
// when they are not zero ("2024-03-18 10:30:01 EDT").
std::string FormatLocal(absl::Time t, const absl::TimeZone& zone);

// Formats a date the way the schedule does: "Mar 19".
std::string ShortDate(absl::CivilDay day);

// Formats a duration in words for a sentence, every non-zero unit from days
// to seconds: "1 second", "11 minutes", "1 hour 5 minutes", "2 days 3
// hours". Less than a second (but not zero) is "less than a second"; the
// sign is ignored.
std::string HumanDuration(absl::Duration d);

// Formats a duration compactly for a rule: "24 h", "30 min", "1 h 30 min",
// "45 s", "2 d". The sign is ignored.
std::string ShortDuration(absl::Duration d);

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_CIVIL_TEXT_H_
