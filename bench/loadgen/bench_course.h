#ifndef HANDIN_BENCH_LOADGEN_BENCH_COURSE_H_
#define HANDIN_BENCH_LOADGEN_BENCH_COURSE_H_

// The course the load generator's students belong to, made from a real
// course policy so that deadline judges every upload with a real policy.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handin/deadline/v1/policy.pb.h"

namespace handin::bench {

// The items the generated files go to.
inline constexpr char kQuestionItem[] = "question";
inline constexpr char kReportItem[] = "project-report";
inline constexpr char kCodeItem[] = "project-code";

// The user id of bench student `index` (0-based): "s00001", "s00002", ...
std::string StudentId(int index);

// Returns `reference` (e.g. config/courses/eecs598-w24.textproto) turned
// into a bench course: course id "<reference id>-rush"; the roster's
// students replaced by `students` generated ones (StudentId 0..N-1), staff
// and guests kept; groups and sessions dropped; of the items only
// kQuestionItem (made a standalone item), kReportItem and kCodeItem are
// kept, with their content rules and late rules, owed by every student and
// due at `due` (written in the course's zone); grading components keep
// only those items. INVALID_ARGUMENT if `students` < 1, the reference
// lacks one of the three items, or its zone cannot be loaded.
absl::StatusOr<deadline::v1::CoursePolicy> MakeBenchCourse(
    const deadline::v1::CoursePolicy& reference, int students, absl::Time due);

}  // namespace handin::bench

#endif  // HANDIN_BENCH_LOADGEN_BENCH_COURSE_H_
