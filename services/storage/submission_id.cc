#include "services/storage/submission_id.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace handin::storage {

std::string FormatSubmissionId(absl::Time t) {
  return absl::FormatTime("%Y%m%dT%H%M%E6SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseSubmissionId(absl::string_view id) {
  // By position: absl::ParseTime's %Y would swallow the whole digit run.
  const auto field = [id](size_t pos, size_t len, int64_t* out) {
    for (char c : id.substr(pos, len)) {
      if (c < '0' || c > '9') return false;
    }
    return absl::SimpleAtoi(id.substr(pos, len), out);
  };
  int64_t year, month, day, hour, minute, second, micros;
  if (id.size() != 23 || id[8] != 'T' || id[15] != '.' || id[22] != 'Z' ||
      !field(0, 4, &year) || !field(4, 2, &month) || !field(6, 2, &day) ||
      !field(9, 2, &hour) || !field(11, 2, &minute) || !field(13, 2, &second) ||
      !field(16, 6, &micros)) {
    return absl::DataLossError(
        absl::StrCat("stored submission id \"", id, "\" is malformed"));
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.year() != year || civil.month() != month || civil.day() != day ||
      civil.hour() != hour || civil.minute() != minute ||
      civil.second() != second) {
    return absl::DataLossError(absl::StrCat("stored submission id \"", id,
                                            "\" is not a valid instant"));
  }
  return absl::FromCivil(civil, absl::UTCTimeZone()) +
         absl::Microseconds(micros);
}

std::string DescribeSubmission(absl::string_view course_id,
                               absl::string_view submission_id) {
  return absl::StrCat("submission ", submission_id, " of course ", course_id);
}

}  // namespace handin::storage
