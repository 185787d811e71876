#include "services/grading/grade_checks.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace handin::grading {

absl::Status RequireField(absl::string_view what, absl::string_view value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " is required"));
}

absl::Status CheckTextLength(absl::string_view what, absl::string_view text) {
  if (text.size() <= kMaxGradeTextBytes) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " is ", text.size(), " bytes; at most ",
                   kMaxGradeTextBytes, " are kept, so shorten it"));
}

absl::Status CheckScoreValue(double points, double max_points,
                             absl::string_view comment) {
  if (!std::isfinite(max_points) || max_points <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_points is ", max_points,
                     "; give the item's full marks, above 0 (e.g. 10)"));
  }
  if (!std::isfinite(points) || points < 0 || points > max_points) {
    return absl::InvalidArgumentError(
        absl::StrCat("points is ", points, "; it must be within 0 to ",
                     max_points, " (max_points)"));
  }
  return CheckTextLength("comment", comment);
}

absl::Status CheckItem(
    const std::vector<handin::deadline::v1::ItemSummary>& items,
    absl::string_view course_id, absl::string_view item_id) {
  for (const auto& item : items) {
    if (item.item_id() == item_id) return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(
      "course ", course_id, " has no item \"", item_id,
      "\"; item ids look like \"project-report\" or \"summary/2024-03-19\" "
      "(ListItems shows them all)"));
}

bool IsStudent(const handin::deadline::v1::CoursePolicy& policy,
               absl::string_view user_id) {
  const auto& students = policy.roster().students();
  return std::any_of(students.begin(), students.end(),
                     [&](const auto& s) { return s.user_id() == user_id; });
}

bool IsGroup(const handin::deadline::v1::CoursePolicy& policy,
             absl::string_view group_id) {
  return std::any_of(
      policy.groups().begin(), policy.groups().end(),
      [&](const auto& group) { return group.group_id() == group_id; });
}

absl::Status CheckPrincipal(const handin::deadline::v1::CoursePolicy& policy,
                            absl::string_view principal) {
  if (IsStudent(policy, principal) || IsGroup(policy, principal)) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(
      "\"", principal, "\" is neither a student nor a group of course ",
      policy.course_id(), "; name a student's user id or a group id"));
}

absl::Status CheckStudent(const handin::deadline::v1::CoursePolicy& policy,
                          absl::string_view student) {
  if (IsStudent(policy, student)) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat(
      "\"", student, "\" is not a student of course ", policy.course_id()));
}

absl::Status CheckGroup(const handin::deadline::v1::CoursePolicy& policy,
                        absl::string_view group_id) {
  if (IsGroup(policy, group_id)) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat("course ", policy.course_id(),
                                          " has no group \"", group_id, "\""));
}

absl::Status CheckSession(const handin::deadline::v1::CoursePolicy& policy,
                          absl::string_view session_id) {
  for (const auto& session : policy.sessions()) {
    const std::string& id =
        session.session_id().empty() ? session.date() : session.session_id();
    if (id == session_id) return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat(
      "course ", policy.course_id(), " has no session \"", session_id,
      "\"; sessions are named by their date, e.g. \"2024-03-19\""));
}

}  // namespace handin::grading
