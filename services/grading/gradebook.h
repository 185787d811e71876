#ifndef HANDIN_SERVICES_GRADING_GRADEBOOK_H_
#define HANDIN_SERVICES_GRADING_GRADEBOOK_H_

// The gradebook arithmetic, without gRPC or disk: from the course policy,
// what each student owes, the submissions and which of them count, and the
// recorded scores, attendance and best-group votes, each student's
// components, weighted total and missing work. docs/grading.md states the
// rules for staff; the functions below state them for code.

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "handin/common/v1/common.pb.h"
#include "handin/common/v1/grade.pb.h"
#include "handin/deadline/v1/deadline_service.pb.h"
#include "handin/deadline/v1/policy.pb.h"
#include "handin/grading/v1/grading_service.pb.h"

namespace handin::grading {

// The component attendance counts towards, by id.
inline constexpr char kAttendanceComponentId[] = "participation";

// Everything a gradebook is computed from; the grading service gathers it
// from the deadline service and storage.
struct GradebookInput {
  // The course policy as loaded (roster, groups, sessions, items, grading
  // components, participation rule).
  handin::deadline::v1::CoursePolicy policy;
  // Every item of the course (ListItems without a principal): titles,
  // templates and sessions of items a student has a score for.
  std::vector<handin::deadline::v1::ItemSummary> items;
  // Per student user id: the items they owe with their due instants
  // (ListItems for that principal), by due instant then id.
  absl::flat_hash_map<std::string,
                      std::vector<handin::deadline::v1::ItemSummary>>
      owed;
  // The course's stored submissions, any order.
  std::vector<handin::common::v1::SubmissionRecord> submissions;
  // Per item id: submitter unit (group id or student id) -> the id of the
  // submission that counts (ChooseCounted).
  absl::flat_hash_map<std::string, std::map<std::string, std::string>> counted;
  std::vector<handin::common::v1::Score> scores;
  std::vector<handin::common::v1::Attendance> attendance;
  std::vector<handin::common::v1::BestGroupVote> votes;
  // The instant the gradebook is for: an owed item due after it with
  // nothing submitted is NOT_DUE rather than MISSING.
  absl::Time now;
};

// The submitter unit that owes `item` for `student` under `policy`: the
// group among the session's presenters (slides-like items) or the
// session's summary group (summaries) that has the student as a member,
// or the student's project group (project-group items); otherwise the
// student alone. The same rule as the deadline service's ChooseCounted
// units. Returns the unit id and its members.
struct SubmitterUnit {
  std::string id;
  std::vector<std::string> members;
};
SubmitterUnit UnitOf(const handin::deadline::v1::CoursePolicy& policy,
                     const handin::deadline::v1::ItemSummary& item,
                     const std::string& student);

// The score that applies to `student` for `item` among `scores`: their own,
// else that of the group that owes the item for them (UnitOf), else that of
// any other group they belong to; null if none.
const handin::common::v1::Score* ApplicableScore(
    const handin::deadline::v1::CoursePolicy& policy,
    const std::vector<handin::common::v1::Score>& scores,
    const handin::deadline::v1::ItemSummary& item, const std::string& student);

// The id of the grading component covering `item` (by its template or its
// own id); empty if none does.
std::string ComponentIdOf(const handin::deadline::v1::CoursePolicy& policy,
                          const handin::deadline::v1::ItemSummary& item);

// How one item stands for `student` (see ItemStanding in
// grading_service.proto):
//  - a submission of the student's unit counts: SCORED if a score applies
//    (earned = points / max_points * (1 - penalty/100), `late` set for a
//    late-counted one, e.g. a flagged late slide deck), else UNGRADED;
//  - the unit submitted but nothing counts (every submission late and not
//    counted, no extension having covered it): NOT_COUNTED, earned 0,
//    whatever score is recorded (the note says it is not applied);
//  - nothing was submitted: SCORED if a score applies (graded without a
//    submission, e.g. in class), else MISSING (earned 0) once due, NOT_DUE
//    before.
// The score that applies is ApplicableScore's.
handin::grading::v1::ItemGrade GradeItem(
    const GradebookInput& input, const handin::deadline::v1::ItemSummary& item,
    const std::string& student);

// Participation from attendance: absences beyond the policy's
// allowed_absences are penalised, each by 1/sessions_recorded; fraction 1
// with no records.
handin::grading::v1::AttendanceSummary SummarizeAttendance(
    const GradebookInput& input, const std::string& student);

// One student's gradebook row. Each component's fraction is the mean of
// its items that count (SCORED, MISSING, NOT_COUNTED); the attendance
// component averages that with the attendance fraction (each part counted
// only when present). Points = weight_percent * fraction; the total adds
// the best-group bonus (best_group_bonus_points per session a group of the
// student won). Items owed that no component covers are listed, not
// weighed.
handin::grading::v1::StudentGrades GradeStudent(const GradebookInput& input,
                                                const std::string& student);

// Every student of the roster, by user id, and the warnings staff should
// see (weights not totalling 100, scores for unknown items or principals,
// attendance with no attendance component).
struct Gradebook {
  std::vector<handin::grading::v1::StudentGrades> students;
  std::vector<std::string> warnings;
};
Gradebook ComputeGradebook(const GradebookInput& input);

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_GRADEBOOK_H_
