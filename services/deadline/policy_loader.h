#ifndef HANDIN_SERVICES_DEADLINE_POLICY_LOADER_H_
#define HANDIN_SERVICES_DEADLINE_POLICY_LOADER_H_

// Loading a course policy from protobuf text format, with errors that point
// at the offending line.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handin/deadline/v1/policy.pb.h"
#include "services/deadline/policy.h"

namespace handin::deadline {

// Parses `text`, a CoursePolicy in protobuf text format. `source_name`
// (usually the file name) prefixes error positions. InvalidArgument listing
// every syntax error (unknown fields and enum values included), one per
// line, as "<source_name>:<line>:<column>: <what>".
absl::StatusOr<v1::CoursePolicy> ParseCoursePolicy(
    absl::string_view text, absl::string_view source_name);

// Parses `text` and builds the course (Course::Create). Errors are
// InvalidArgument, one per line, each starting "<source_name>:<line>:
// <column>: " where the position is known (else "<source_name>: "); the
// course's warnings() are prefixed the same way. The course's
// policy_digest() is the SHA-256 of `text`.
absl::StatusOr<std::unique_ptr<Course>> LoadCourseFromString(
    absl::string_view text, absl::string_view source_name);

// Reads the file at `path` and loads it as LoadCourseFromString(text, path).
// NotFound if the file cannot be opened.
absl::StatusOr<std::unique_ptr<Course>> LoadCourseFromFile(
    const std::string& path);

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_POLICY_LOADER_H_
