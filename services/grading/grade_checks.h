#ifndef HANDIN_SERVICES_GRADING_GRADE_CHECKS_H_
#define HANDIN_SERVICES_GRADING_GRADE_CHECKS_H_

// Checks of grading requests against the course policy, without gRPC: what
// a grader or student sent, and the ids it names. Each returns OK or the
// status to answer with, its message naming the field and what to send.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "handin/deadline/v1/deadline_service.pb.h"
#include "handin/deadline/v1/policy.pb.h"

namespace handin::grading {

// Longest comment, regrade reason or response accepted, in bytes.
inline constexpr size_t kMaxGradeTextBytes = 4096;

// INVALID_ARGUMENT "<what> is required" if `value` is empty.
absl::Status RequireField(absl::string_view what, absl::string_view value);

// INVALID_ARGUMENT if `text` is over kMaxGradeTextBytes.
absl::Status CheckTextLength(absl::string_view what, absl::string_view text);

// INVALID_ARGUMENT unless max_points is finite and > 0 and points is
// finite and within [0, max_points]; and the comment fits.
absl::Status CheckScoreValue(double points, double max_points,
                             absl::string_view comment);

// NOT_FOUND unless `item_id` is one of `items`.
absl::Status CheckItem(
    const std::vector<handin::deadline::v1::ItemSummary>& items,
    absl::string_view course_id, absl::string_view item_id);

// Whether `user_id` is a student of the roster, `group_id` a group.
bool IsStudent(const handin::deadline::v1::CoursePolicy& policy,
               absl::string_view user_id);
bool IsGroup(const handin::deadline::v1::CoursePolicy& policy,
             absl::string_view group_id);

// NOT_FOUND unless `principal` is a student or a group of the course.
absl::Status CheckPrincipal(const handin::deadline::v1::CoursePolicy& policy,
                            absl::string_view principal);
// NOT_FOUND unless `student` is a student of the course.
absl::Status CheckStudent(const handin::deadline::v1::CoursePolicy& policy,
                          absl::string_view student);
// NOT_FOUND unless `group_id` is a group of the course.
absl::Status CheckGroup(const handin::deadline::v1::CoursePolicy& policy,
                        absl::string_view group_id);
// NOT_FOUND unless a session of the course has id (or date) `session_id`.
absl::Status CheckSession(const handin::deadline::v1::CoursePolicy& policy,
                          absl::string_view session_id);

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_GRADE_CHECKS_H_
