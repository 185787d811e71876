#include "bench/loadgen/bench_course.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace handin::bench {

std::string StudentId(int index) { return absl::StrFormat("s%05d", index + 1); }

absl::StatusOr<deadline::v1::CoursePolicy> MakeBenchCourse(
    const deadline::v1::CoursePolicy& reference, int students, absl::Time due) {
  if (students < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--students is ", students, "; at least 1 is needed"));
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(reference.time_zone(), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot load the reference course's time zone \"",
                     reference.time_zone(), "\" (is tzdata installed?)"));
  }
  deadline::v1::CoursePolicy course = reference;
  course.set_course_id(absl::StrCat(reference.course_id(), "-rush"));
  course.set_title(absl::StrCat(reference.title(), " (deadline-rush bench)"));
  course.mutable_roster()->clear_students();
  for (int i = 0; i < students; ++i) {
    deadline::v1::Student* student = course.mutable_roster()->add_students();
    student->set_user_id(StudentId(i));
    student->set_display_name(absl::StrCat("Bench student ", i + 1));
  }
  course.clear_groups();
  course.clear_sessions();
  course.clear_items();
  // Seconds are dropped: a deadline on the minute, as a syllabus has.
  const std::string due_text = absl::FormatTime("%Y-%m-%d %H:%M", due, zone);
  absl::flat_hash_set<std::string> kept;
  for (const char* id : {kQuestionItem, kReportItem, kCodeItem}) {
    const auto found = std::find_if(
        reference.items().begin(), reference.items().end(),
        [id](const deadline::v1::Item& item) { return item.item_id() == id; });
    if (found == reference.items().end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the reference course has no item \"", id,
                       "\"; the bench submits to question, project-report "
                       "and project-code"));
    }
    deadline::v1::Item* item = course.add_items();
    *item = *found;
    item->clear_per_session();
    item->clear_opens_at();
    item->clear_opens_from_session();
    item->set_title(absl::StrReplaceAll(item->title(), {{": {topic}", ""}}));
    item->set_audience(deadline::v1::AUDIENCE_EVERY_STUDENT);
    item->mutable_due_at()->set_local_time(due_text);
    kept.insert(id);
  }
  for (deadline::v1::GradingComponent& component : *course.mutable_grading()) {
    auto* ids = component.mutable_item_ids();
    ids->erase(std::remove_if(ids->begin(), ids->end(),
                              [&kept](const std::string& id) {
                                return !kept.contains(id);
                              }),
               ids->end());
  }
  return course;
}

}  // namespace handin::bench
