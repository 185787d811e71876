#ifndef HANDIN_SERVICES_STORAGE_SUBMISSION_ID_H_
#define HANDIN_SERVICES_STORAGE_SUBMISSION_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace handin::storage {

// Submission ids are the commit instant in UTC at microsecond resolution,
// fixed width, so byte order is time order (until the year 10000):
// "20240501T220000.000000Z". Readable in logs and safe in URLs and file
// names. SubmissionStore makes them strictly increasing per course.

// Returns the id of instant `t` (truncated to the microsecond).
std::string FormatSubmissionId(absl::Time t);

// Returns the instant of an id made by FormatSubmissionId; DATA_LOSS (ids
// are only parsed back from disk) if `id` is not one.
absl::StatusOr<absl::Time> ParseSubmissionId(absl::string_view id);

// Returns "submission <id> of course <course>", for messages.
std::string DescribeSubmission(absl::string_view course_id,
                               absl::string_view submission_id);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_SUBMISSION_ID_H_
