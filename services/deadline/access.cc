#include "services/deadline/access.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace handin::deadline {
namespace {

std::string Method(const char* name) {
  return absl::StrCat("/handin.deadline.v1.DeadlineService/", name);
}

}  // namespace

AccessPolicy DeadlineAccess() {
  const MethodAccess staff{.roles = {Role::kGrader, Role::kInstructor}};
  const MethodAccess intake{.roles = {Role::kService}, .services = {"intake"}};
  const MethodAccess staff_or_intake{
      .roles = {Role::kGrader, Role::kInstructor, Role::kService},
      .services = {"intake"}};
  const MethodAccess staff_or_grading{
      .roles = {Role::kGrader, Role::kInstructor, Role::kService},
      .services = {"grading"}};
  AccessPolicy policy;
  AllowHealthAndReflection(policy);
  policy.Allow(Method("Evaluate"), intake)
      .Allow(Method("WhatIf"), intake)
      .Allow(Method("ListDeadlines"), staff_or_intake)
      .Allow(Method("ExportCalendar"), staff_or_intake)
      // The grading service reads the rubric, the items and who owes
      // them for the gradebook.
      .Allow(Method("ListItems"), staff_or_grading)
      .Allow(Method("GetCoursePolicy"), staff_or_grading)
      .Allow(Method("ListExtensions"), staff)
      .Allow(Method("GrantExtension"), {.roles = {Role::kInstructor}})
      .Allow(Method("RevokeExtension"), {.roles = {Role::kInstructor}})
      .Allow(Method("ChooseCounted"),
             {.roles = {Role::kService}, .services = {"grading"}});
  return policy;
}

}  // namespace handin::deadline
