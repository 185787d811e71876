#include "services/grading/gradebook.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/proto_time.h"

namespace handin::grading {
namespace {

using ::handin::common::v1::Score;
using ::handin::common::v1::SubmissionRecord;
using ::handin::deadline::v1::CoursePolicy;
using ::handin::deadline::v1::GradingComponent;
using ::handin::deadline::v1::Group;
using ::handin::deadline::v1::ItemSummary;
using ::handin::grading::v1::AttendanceSummary;
using ::handin::grading::v1::ComponentGrade;
using ::handin::grading::v1::ItemGrade;
using ::handin::grading::v1::StudentGrades;

bool HasMember(const Group& group, const std::string& student) {
  return std::find(group.member_ids().begin(), group.member_ids().end(),
                   student) != group.member_ids().end();
}

const Group* FindGroup(const CoursePolicy& policy, const std::string& id) {
  for (const Group& group : policy.groups()) {
    if (group.group_id() == id) return &group;
  }
  return nullptr;
}

// The group `id` if `student` is one of its members.
const Group* GroupWithMember(const CoursePolicy& policy, const std::string& id,
                             const std::string& student) {
  const Group* group = FindGroup(policy, id);
  return group != nullptr && HasMember(*group, student) ? group : nullptr;
}

std::string TemplateOf(const ItemSummary& item) {
  return item.template_id().empty() ? item.item_id() : item.template_id();
}

const handin::deadline::v1::Session* FindSession(const CoursePolicy& policy,
                                                 const std::string& id) {
  for (const auto& session : policy.sessions()) {
    const std::string& own =
        session.session_id().empty() ? session.date() : session.session_id();
    if (own == id) return &session;
  }
  return nullptr;
}

// The owing group of `student` for `item`, or null when they owe it alone.
const Group* OwingGroup(const CoursePolicy& policy, const ItemSummary& item,
                        const std::string& student) {
  const std::string template_id = TemplateOf(item);
  const auto found = std::find_if(policy.items().begin(), policy.items().end(),
                                  [&](const auto& candidate) {
                                    return candidate.item_id() == template_id;
                                  });
  if (found == policy.items().end()) return nullptr;
  const auto* session = FindSession(policy, item.session_id());
  switch (found->audience()) {
    case handin::deadline::v1::AUDIENCE_SESSION_PRESENTERS:
      if (session == nullptr) return nullptr;
      for (const auto& presenter : session->presenters()) {
        if (const Group* group =
                GroupWithMember(policy, presenter.group_id(), student)) {
          return group;
        }
      }
      return nullptr;
    case handin::deadline::v1::AUDIENCE_SESSION_SUMMARY_GROUP:
      return session == nullptr
                 ? nullptr
                 : GroupWithMember(policy, session->summary_group_id(),
                                   student);
    case handin::deadline::v1::AUDIENCE_EACH_PROJECT_GROUP:
      for (const Group& group : policy.groups()) {
        if (group.kind() == handin::deadline::v1::GROUP_KIND_PROJECT &&
            HasMember(group, student)) {
          return &group;
        }
      }
      return nullptr;
    default:
      return nullptr;
  }
}

const SubmissionRecord* FindSubmission(const GradebookInput& input,
                                       const std::string& id) {
  for (const SubmissionRecord& record : input.submissions) {
    if (record.submission_id() == id) return &record;
  }
  return nullptr;
}

std::string Points(const Score& score) {
  return absl::StrCat(score.points(), "/", score.max_points());
}

double Mean(const std::vector<double>& values) {
  double sum = 0;
  for (double value : values) sum += value;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

// The index of the component covering `item`; -1 if none does.
int ComponentIndex(const CoursePolicy& policy, const ItemSummary& item) {
  const std::string template_id = TemplateOf(item);
  for (int i = 0; i < policy.grading_size(); ++i) {
    for (const std::string& id : policy.grading(i).item_ids()) {
      if (id == template_id || id == item.item_id()) return i;
    }
  }
  return -1;
}

// The items `student` is graded on: what they owe, and any other item a
// score of theirs (own or group's) is recorded for; by due instant then id.
std::vector<ItemSummary> ItemsOf(const GradebookInput& input,
                                 const std::string& student) {
  std::vector<ItemSummary> out;
  absl::flat_hash_set<std::string> seen;
  if (auto owed = input.owed.find(student); owed != input.owed.end()) {
    for (const ItemSummary& item : owed->second) {
      if (seen.insert(item.item_id()).second) out.push_back(item);
    }
  }
  for (const Score& score : input.scores) {
    if (seen.contains(score.item_id())) continue;
    if (score.principal() != student &&
        GroupWithMember(input.policy, score.principal(), student) == nullptr) {
      continue;
    }
    for (const ItemSummary& item : input.items) {
      if (item.item_id() == score.item_id()) {
        seen.insert(item.item_id());
        out.push_back(item);
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const ItemSummary& a, const ItemSummary& b) {
              return std::make_tuple(a.due_at().seconds(), a.due_at().nanos(),
                                     a.item_id()) <
                     std::make_tuple(b.due_at().seconds(), b.due_at().nanos(),
                                     b.item_id());
            });
  return out;
}

}  // namespace

const Score* ApplicableScore(const CoursePolicy& policy,
                             const std::vector<Score>& scores,
                             const ItemSummary& item,
                             const std::string& student) {
  const SubmitterUnit unit = UnitOf(policy, item, student);
  const Score* group_score = nullptr;
  for (const Score& score : scores) {
    if (score.item_id() != item.item_id()) continue;
    if (score.principal() == student) return &score;
    if (score.principal() == unit.id) {
      group_score = &score;
    } else if (group_score == nullptr &&
               GroupWithMember(policy, score.principal(), student)) {
      group_score = &score;
    }
  }
  return group_score;
}

std::string ComponentIdOf(const CoursePolicy& policy, const ItemSummary& item) {
  const int index = ComponentIndex(policy, item);
  return index < 0 ? "" : policy.grading(index).component_id();
}

SubmitterUnit UnitOf(const CoursePolicy& policy, const ItemSummary& item,
                     const std::string& student) {
  const Group* group = OwingGroup(policy, item, student);
  if (group == nullptr) return {student, {student}};
  return {group->group_id(),
          {group->member_ids().begin(), group->member_ids().end()}};
}

ItemGrade GradeItem(const GradebookInput& input, const ItemSummary& item,
                    const std::string& student) {
  ItemGrade out;
  out.set_item_id(item.item_id());
  out.set_title(item.title());
  *out.mutable_due_at() = item.due_at();
  const SubmitterUnit unit = UnitOf(input.policy, item, student);
  const Score* score =
      ApplicableScore(input.policy, input.scores, item, student);
  if (score != nullptr) *out.mutable_score() = *score;
  const std::string group_note =
      score != nullptr && score->principal() != student
          ? absl::StrCat("group score (", score->principal(), ")")
          : "";

  const SubmissionRecord* counted = nullptr;
  if (auto units = input.counted.find(item.item_id());
      units != input.counted.end()) {
    if (auto id = units->second.find(unit.id); id != units->second.end()) {
      counted = FindSubmission(input, id->second);
    }
  }
  if (counted != nullptr) {
    out.set_submission_id(counted->submission_id());
    *out.mutable_verdict() = counted->verdict();
    out.set_late(counted->verdict().kind() ==
                 handin::common::v1::VERDICT_KIND_LATE_COUNTED);
    if (score == nullptr) {
      out.set_standing(v1::ITEM_STANDING_UNGRADED);
      out.set_note("submitted; not graded yet");
      return out;
    }
    const double penalty =
        out.late()
            ? std::clamp(counted->verdict().penalty_percent(), 0.0, 100.0)
            : 0.0;
    out.set_standing(v1::ITEM_STANDING_SCORED);
    out.set_counts(true);
    out.set_earned_fraction(std::clamp(
        score->points() / score->max_points() * (1 - penalty / 100), 0.0, 1.0));
    std::vector<std::string> notes;
    if (!group_note.empty()) notes.push_back(group_note);
    if (out.late()) {
      notes.push_back(penalty > 0
                          ? absl::StrCat("late: ", penalty, "% deducted")
                          : "late (flagged, counted)");
    }
    out.set_note(absl::StrJoin(notes, "; "));
    return out;
  }

  // The unit's newest submission, if any: none of them counts.
  const SubmissionRecord* newest = nullptr;
  for (const SubmissionRecord& record : input.submissions) {
    if (record.item_id() != item.item_id() ||
        std::find(unit.members.begin(), unit.members.end(),
                  record.principal()) == unit.members.end()) {
      continue;
    }
    if (newest == nullptr || record.submission_id() > newest->submission_id()) {
      newest = &record;
    }
  }
  if (newest != nullptr) {
    out.set_standing(v1::ITEM_STANDING_NOT_COUNTED);
    out.set_counts(true);
    out.set_submission_id(newest->submission_id());
    *out.mutable_verdict() = newest->verdict();
    out.set_late(true);
    std::string note =
        absl::StrCat("late and not counted: ", newest->verdict().reason());
    if (score != nullptr) {
      absl::StrAppend(&note, "; a recorded score of ", Points(*score),
                      " is not applied");
    }
    out.set_note(note);
    return out;
  }
  if (score != nullptr) {
    out.set_standing(v1::ITEM_STANDING_SCORED);
    out.set_counts(true);
    out.set_earned_fraction(
        std::clamp(score->points() / score->max_points(), 0.0, 1.0));
    out.set_note(
        group_note.empty()
            ? "scored without a submission"
            : absl::StrCat(group_note, "; scored without a submission"));
    return out;
  }
  if (FromProtoTimestamp(item.due_at()) <= input.now) {
    out.set_standing(v1::ITEM_STANDING_MISSING);
    out.set_counts(true);
    out.set_note("missing: nothing was submitted");
  } else {
    out.set_standing(v1::ITEM_STANDING_NOT_DUE);
    out.set_note("not due yet");
  }
  return out;
}

AttendanceSummary SummarizeAttendance(const GradebookInput& input,
                                      const std::string& student) {
  AttendanceSummary out;
  std::set<std::string> missed;
  for (const auto& record : input.attendance) {
    if (record.student() != student) continue;
    out.set_sessions_recorded(out.sessions_recorded() + 1);
    if (!record.present()) missed.insert(record.session_id());
  }
  out.set_absences(static_cast<int32_t>(missed.size()));
  out.set_allowed_absences(
      std::max(0, input.policy.participation().allowed_absences()));
  out.set_penalized_absences(
      std::max(0, out.absences() - out.allowed_absences()));
  out.set_fraction(out.sessions_recorded() == 0
                       ? 1.0
                       : 1.0 - static_cast<double>(out.penalized_absences()) /
                                   out.sessions_recorded());
  for (const std::string& session : missed) out.add_missed_sessions(session);
  return out;
}

StudentGrades GradeStudent(const GradebookInput& input,
                           const std::string& student) {
  StudentGrades row;
  row.set_student(student);
  for (const auto& s : input.policy.roster().students()) {
    if (s.user_id() == student) row.set_display_name(s.display_name());
  }
  for (const GradingComponent& component : input.policy.grading()) {
    ComponentGrade& grade = *row.add_components();
    grade.set_component_id(component.component_id());
    grade.set_title(component.title());
    grade.set_weight_percent(component.weight_percent());
  }
  for (const ItemSummary& item : ItemsOf(input, student)) {
    ItemGrade graded = GradeItem(input, item, student);
    if (graded.standing() == v1::ITEM_STANDING_MISSING ||
        graded.standing() == v1::ITEM_STANDING_NOT_COUNTED) {
      row.add_missing_item_ids(item.item_id());
    }
    const int index = ComponentIndex(input.policy, item);
    *(index < 0 ? row.add_unweighted_items()
                : row.mutable_components(index)->add_items()) =
        std::move(graded);
  }

  double total = 0;
  double graded_weight = 0;
  for (ComponentGrade& component : *row.mutable_components()) {
    std::vector<double> item_fractions;
    for (const ItemGrade& item : component.items()) {
      if (item.counts()) item_fractions.push_back(item.earned_fraction());
    }
    std::vector<double> parts;
    if (!item_fractions.empty()) parts.push_back(Mean(item_fractions));
    if (component.component_id() == kAttendanceComponentId) {
      *component.mutable_attendance() = SummarizeAttendance(input, student);
      if (component.attendance().sessions_recorded() > 0) {
        parts.push_back(component.attendance().fraction());
      }
    }
    component.set_graded(!parts.empty());
    component.set_fraction(Mean(parts));
    component.set_points(component.weight_percent() * component.fraction());
    total += component.points();
    if (component.graded()) graded_weight += component.weight_percent();
  }

  for (const auto& vote : input.votes) {
    if (GroupWithMember(input.policy, vote.group_id(), student) != nullptr) {
      row.set_bonus_points(
          row.bonus_points() +
          input.policy.participation().best_group_bonus_points());
      row.add_bonus_sessions(vote.session_id());
    }
  }
  row.set_total_points(total + row.bonus_points());
  row.set_graded_weight_percent(graded_weight);
  return row;
}

Gradebook ComputeGradebook(const GradebookInput& input) {
  Gradebook out;
  const CoursePolicy& policy = input.policy;
  double weights = 0;
  for (const GradingComponent& component : policy.grading()) {
    weights += component.weight_percent();
  }
  if (std::abs(weights - 100) > 1e-9) {
    out.warnings.push_back(absl::StrFormat(
        "the grading components' weights total %g%%, not 100%%", weights));
  }
  absl::flat_hash_set<std::string> principals;
  for (const auto& student : policy.roster().students()) {
    principals.insert(student.user_id());
  }
  for (const Group& group : policy.groups())
    principals.insert(group.group_id());
  absl::flat_hash_set<std::string> items;
  for (const ItemSummary& item : input.items) items.insert(item.item_id());
  for (const Score& score : input.scores) {
    if (!items.contains(score.item_id()) ||
        !principals.contains(score.principal())) {
      out.warnings.push_back(absl::StrCat(
          "the score of ", score.principal(), " for ", score.item_id(),
          " names an item or principal the course policy no longer has; it is "
          "not counted"));
    }
  }
  const bool has_attendance_component =
      std::any_of(policy.grading().begin(), policy.grading().end(),
                  [](const GradingComponent& c) {
                    return c.component_id() == kAttendanceComponentId;
                  });
  if (!has_attendance_component && !input.attendance.empty()) {
    out.warnings.push_back(absl::StrCat(
        "attendance is recorded but no grading component has id \"",
        kAttendanceComponentId, "\", so it counts nowhere"));
  }
  std::vector<std::string> students;
  for (const auto& student : policy.roster().students()) {
    students.push_back(student.user_id());
  }
  std::sort(students.begin(), students.end());
  for (const std::string& student : students) {
    out.students.push_back(GradeStudent(input, student));
  }
  return out;
}

}  // namespace handin::grading
