#include "services/deadline/extensions.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/deadline/civil_text.h"
#include "services/deadline/request_checks.h"

namespace handin::deadline {
namespace {

const v1::Group* FindGroup(const Course& course, absl::string_view group_id) {
  for (const v1::Group& group : course.policy().groups()) {
    if (group.group_id() == group_id) return &group;
  }
  return nullptr;
}

bool IsMember(const v1::Group& group, absl::string_view principal) {
  return std::find(group.member_ids().begin(), group.member_ids().end(),
                   principal) != group.member_ids().end();
}

bool IsStudent(const Course& course, absl::string_view principal) {
  for (const v1::Student& student : course.policy().roster().students()) {
    if (student.user_id() == principal) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> GroupsOf(const Course& course,
                                  absl::string_view principal) {
  std::vector<std::string> out;
  for (const v1::Group& group : course.policy().groups()) {
    if (IsMember(group, principal)) out.push_back(group.group_id());
  }
  return out;
}

const Extension* ChooseExtension(const Course& course,
                                 absl::string_view principal,
                                 absl::string_view item_id,
                                 absl::Span<const Extension> extensions) {
  const Extension* best = nullptr;
  for (const Extension& extension : extensions) {
    if (extension.item_id != item_id) continue;
    const bool own = extension.principal == principal;
    if (!own) {
      const v1::Group* group = FindGroup(course, extension.principal);
      if (group == nullptr || !IsMember(*group, principal)) continue;
    }
    if (best == nullptr || extension.due_at > best->due_at ||
        (extension.due_at == best->due_at && own &&
         best->principal != principal)) {
      best = &extension;
    }
  }
  return best;
}

absl::Status CheckStaff(const Course& course, absl::string_view acting_user,
                        StaffRequirement requirement,
                        absl::string_view action) {
  if (acting_user.empty()) {
    return absl::InvalidArgumentError(
        "acting_user is required: the user id of the staff member acting");
  }
  const bool instructor_only = requirement == StaffRequirement::kInstructor;
  const std::string needed =
      absl::StrCat("only ", instructor_only ? "an instructor" : "course staff",
                   " of ", course.id(), " may ", action, "; ");
  for (const v1::StaffMember& staff : course.policy().roster().staff()) {
    if (staff.user_id() != acting_user) continue;
    if (!instructor_only || staff.role() == v1::STAFF_ROLE_INSTRUCTOR) {
      return absl::OkStatus();
    }
    return absl::PermissionDeniedError(
        absl::StrCat(needed, acting_user, " is a grader"));
  }
  return absl::PermissionDeniedError(
      absl::StrCat(needed, acting_user, " is not on the course staff"));
}

absl::Status ValidateGrant(const Course& course, const Extension& extension) {
  if (absl::Status s =
          CheckStaff(course, extension.granted_by,
                     StaffRequirement::kInstructor, "grant extensions");
      !s.ok()) {
    return s;
  }
  for (const auto& [value, name] :
       {std::pair<absl::string_view, absl::string_view>{extension.item_id,
                                                        "item_id"},
        {extension.principal, "principal"},
        {extension.reason, "reason"}}) {
    if (absl::Status s = Require(value, name); !s.ok()) return s;
  }
  const ConcreteItem* item = course.FindItem(extension.item_id);
  if (item == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "course ", course.id(), " has no item \"", extension.item_id, "\""));
  }
  bool owes = false;
  if (IsStudent(course, extension.principal)) {
    owes = course.Owes(extension.principal, *item);
  } else if (const v1::Group* group = FindGroup(course, extension.principal);
             group != nullptr) {
    owes = std::any_of(
        group->member_ids().begin(), group->member_ids().end(),
        [&](const std::string& member) { return course.Owes(member, *item); });
  } else {
    return absl::NotFoundError(absl::StrCat(
        extension.principal, " is neither a student nor a group of ",
        course.id(), "; extensions are granted to either"));
  }
  if (!owes) {
    return absl::FailedPreconditionError(absl::StrCat(
        extension.principal, " does not owe ", item->id, " (it is owed by ",
        item->audience_text, "), so an extension would change nothing"));
  }
  if (extension.due_at <= item->due_at) {
    return absl::InvalidArgumentError(
        absl::StrCat("the extended due instant ",
                     FormatLocal(extension.due_at, course.time_zone()),
                     " is not after the item's own (",
                     FormatLocal(item->due_at, course.time_zone()),
                     "); an extension must move the deadline later"));
  }
  return absl::OkStatus();
}

}  // namespace handin::deadline
