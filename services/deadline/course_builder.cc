#include "services/deadline/course_builder.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/caller.h"
#include "services/deadline/civil_text.h"

namespace handin::deadline {
namespace {

std::string PathText(std::initializer_list<FieldStep> path) {
  std::string out;
  for (const FieldStep& step : path) {
    if (!out.empty()) out += '.';
    absl::StrAppend(&out, step.field);
    if (step.index >= 0) absl::StrAppend(&out, "[", step.index, "]");
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Course>> Course::Create(
    v1::CoursePolicy policy, const PolicySourceMap* source,
    absl::string_view policy_digest) {
  std::unique_ptr<Course> course(new Course());
  course->policy_ = std::move(policy);
  course->policy_digest_ = std::string(policy_digest);
  CourseBuilder builder(*course, source);
  absl::Status built = builder.Build();
  if (!built.ok()) return built;
  return course;
}

absl::Status CourseBuilder::Build() {
  CheckCourseFields();
  IndexRoster();
  IndexGroups();
  IndexSessions();
  CheckItems();
  CheckGrading();
  if (!errors_.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
  }
  // Expanding finds what only concrete items show (an opening not before
  // its due instant).
  ExpandItems();
  if (!errors_.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
  }
  return absl::OkStatus();
}

std::string CourseBuilder::Where(std::initializer_list<FieldStep> path) const {
  std::string where;
  if (source_ != nullptr) {
    where =
        source_->Locate(absl::Span<const FieldStep>(path.begin(), path.size()));
  }
  return where.empty() ? PathText(path) : where;
}

void CourseBuilder::Error(std::initializer_list<FieldStep> path,
                          absl::string_view what) {
  errors_.push_back(absl::StrCat(Where(path), ": ", what));
}

void CourseBuilder::Warning(std::initializer_list<FieldStep> path,
                            absl::string_view what) {
  course_.warnings_.push_back(absl::StrCat(Where(path), ": warning: ", what));
}

int CourseBuilder::GroupIndex(absl::string_view group_id) const {
  auto it = group_index_.find(group_id);
  return it == group_index_.end() ? -1 : it->second;
}

std::string CourseBuilder::GroupName(int group) const {
  const v1::Group& g = policy_.groups(group);
  return g.display_name().empty() ? g.group_id() : g.display_name();
}

void CourseBuilder::CheckCourseFields() {
  if (!IsValidUserId(policy_.course_id())) {
    Error({{"course_id"}},
          absl::StrCat("course_id \"", policy_.course_id(),
                       "\" is missing or malformed; ", kIdRule));
  }
  if (policy_.time_zone().empty()) {
    Error({{"time_zone"}},
          "time_zone is required: an IANA zone name such as "
          "\"America/Detroit\"");
  } else if (!absl::LoadTimeZone(policy_.time_zone(), &course_.zone_)) {
    Error({{"time_zone"}},
          absl::StrCat("unknown time zone \"", policy_.time_zone(),
                       "\": not found in the IANA time zone database; use a "
                       "name such as \"America/Detroit\""));
  } else {
    zone_ok_ = true;
  }
  if (!policy_.session_start_time().empty()) {
    auto start = ParseTimeOfDay(policy_.session_start_time());
    if (start.ok()) {
      default_start_ = *start;
    } else {
      Error({{"session_start_time"}}, start.status().message());
    }
  }
  if (!policy_.session_end_time().empty()) {
    auto end = ParseTimeOfDay(policy_.session_end_time());
    if (end.ok()) {
      default_end_ = *end;
    } else {
      Error({{"session_end_time"}}, end.status().message());
    }
  }
  const v1::GroupSizeRule& size = policy_.group_size();
  if (size.min_members() < 0 || size.max_members() < 0 ||
      (size.max_members() > 0 && size.min_members() > size.max_members())) {
    Error({{"group_size"}},
          absl::StrCat("group_size must have 0 <= min_members <= "
                       "max_members (0 = no bound); got ",
                       size.min_members(), " and ", size.max_members()));
  }
}

void CourseBuilder::IndexRoster() {
  // Roster ids share one namespace, so a presenter or member reference
  // cannot mean two people.
  absl::flat_hash_map<std::string, std::string> seen;
  auto claim = [&](std::initializer_list<FieldStep> path,
                   const std::string& user_id, absl::string_view what) {
    if (!IsValidUserId(user_id)) {
      Error(path, absl::StrCat(what, " id \"", user_id,
                               "\" is missing or malformed; ", kIdRule));
      return false;
    }
    auto [it, inserted] = seen.emplace(user_id, std::string(what));
    if (!inserted) {
      Error(path, absl::StrCat(what, " id \"", user_id,
                               "\" is already used by a ", it->second));
    }
    return inserted;
  };
  const v1::Roster& roster = policy_.roster();
  for (int i = 0; i < roster.students_size(); ++i) {
    const std::string& id = roster.students(i).user_id();
    if (claim({{"roster"}, {"students", i}, {"user_id"}}, id, "student")) {
      course_.student_index_.emplace(id, course_.student_index_.size());
    }
  }
  for (int i = 0; i < roster.staff_size(); ++i) {
    const v1::StaffMember& staff = roster.staff(i);
    if (claim({{"roster"}, {"staff", i}, {"user_id"}}, staff.user_id(),
              "staff")) {
      course_.staff_roles_.emplace(staff.user_id(), staff.role());
    }
    if (staff.role() == v1::STAFF_ROLE_UNSPECIFIED) {
      Error({{"roster"}, {"staff", i}},
            absl::StrCat("staff member \"", staff.user_id(),
                         "\" has no role; set role: STAFF_ROLE_INSTRUCTOR or "
                         "STAFF_ROLE_GRADER"));
    }
  }
  for (int i = 0; i < roster.guests_size(); ++i) {
    claim({{"roster"}, {"guests", i}, {"guest_id"}},
          roster.guests(i).guest_id(), "guest");
  }
}

void CourseBuilder::IndexGroups() {
  const v1::GroupSizeRule& size = policy_.group_size();
  absl::flat_hash_map<size_t, std::string> project_group_of;
  group_members_.resize(policy_.groups_size());
  for (int g = 0; g < policy_.groups_size(); ++g) {
    const v1::Group& group = policy_.groups(g);
    if (!IsValidUserId(group.group_id())) {
      Error({{"groups", g}, {"group_id"}},
            absl::StrCat("group id \"", group.group_id(),
                         "\" is missing or malformed; ", kIdRule));
    } else if (!group_index_.emplace(group.group_id(), g).second) {
      Error(
          {{"groups", g}, {"group_id"}},
          absl::StrCat("group id \"", group.group_id(), "\" is defined twice"));
    }
    if (group.kind() == v1::GROUP_KIND_UNSPECIFIED) {
      Error({{"groups", g}},
            absl::StrCat("group \"", group.group_id(),
                         "\" has no kind; set kind: GROUP_KIND_PRESENTATION "
                         "or GROUP_KIND_PROJECT"));
    }
    absl::flat_hash_set<std::string> listed;
    for (int m = 0; m < group.member_ids_size(); ++m) {
      const std::string& member = group.member_ids(m);
      auto student = course_.student_index_.find(member);
      if (student == course_.student_index_.end()) {
        Error({{"groups", g}, {"member_ids", m}},
              absl::StrCat("group \"", group.group_id(), "\" lists member \"",
                           member, "\", who is not a student on the roster"));
        continue;
      }
      if (!listed.insert(member).second) {
        Error({{"groups", g}, {"member_ids", m}},
              absl::StrCat("group \"", group.group_id(), "\" lists \"", member,
                           "\" twice"));
        continue;
      }
      group_members_[g].push_back(student->second);
      if (group.kind() != v1::GROUP_KIND_PROJECT) continue;
      auto [other, first] =
          project_group_of.emplace(student->second, group.group_id());
      if (!first) {
        Error({{"groups", g}, {"member_ids", m}},
              absl::StrCat("\"", member, "\" is in project groups \"",
                           other->second, "\" and \"", group.group_id(),
                           "\"; a student may be in one project group"));
      }
    }
    if (group.kind() == v1::GROUP_KIND_PROJECT) project_groups_.push_back(g);
    const int n = group.member_ids_size();
    if ((size.min_members() > 0 && n < size.min_members()) ||
        (size.max_members() > 0 && n > size.max_members())) {
      Warning({{"groups", g}},
              absl::StrCat("group \"", group.group_id(), "\" (", GroupName(g),
                           ") has ", n, n == 1 ? " member" : " members",
                           "; groups should have ", size.min_members(), "-",
                           size.max_members()));
    }
  }
}

void CourseBuilder::CheckGrading() {
  absl::flat_hash_set<std::string> component_ids;
  absl::flat_hash_map<std::string, std::string> component_of;
  absl::flat_hash_set<std::string> item_ids;
  for (const v1::Item& item : policy_.items()) item_ids.insert(item.item_id());
  double total = 0;
  for (int c = 0; c < policy_.grading_size(); ++c) {
    const v1::GradingComponent& component = policy_.grading(c);
    const std::string& id = component.component_id();
    if (!IsValidUserId(id) || !component_ids.insert(id).second) {
      Error({{"grading", c}, {"component_id"}},
            absl::StrCat("grading component id \"", id,
                         "\" is malformed or used twice; ", kIdRule));
    }
    if (!(component.weight_percent() >= 0)) {
      Error(
          {{"grading", c}, {"weight_percent"}},
          absl::StrCat("grading component \"", id, "\" has a negative weight"));
    }
    total += component.weight_percent();
    for (int i = 0; i < component.item_ids_size(); ++i) {
      const std::string& item = component.item_ids(i);
      if (!item_ids.contains(item)) {
        Error({{"grading", c}, {"item_ids", i}},
              absl::StrCat("grading component \"", id, "\" names item \"", item,
                           "\", which is not defined in items"));
        continue;
      }
      auto [other, first] = component_of.emplace(item, id);
      if (!first) {
        Error({{"grading", c}, {"item_ids", i}},
              absl::StrCat("item \"", item, "\" is graded under both \"",
                           other->second, "\" and \"", id, "\""));
      }
    }
  }
  if (policy_.grading_size() > 0 && std::fabs(total - 100.0) > 1e-9) {
    Warning({{"grading"}},
            absl::StrCat("grading weights add up to ", total, "%, not 100%"));
  }
  const v1::ParticipationRule& participation = policy_.participation();
  if (participation.allowed_absences() < 0 ||
      participation.best_group_bonus_points() < 0) {
    Error({{"participation"}}, "participation allowances must not be negative");
  }
}

}  // namespace handin::deadline
