#include "common/access_policy.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace handin {
namespace {

// "a student", "an instructor", "the service intake".
std::string Describe(const Principal& caller) {
  if (caller.role == Role::kService) {
    return absl::StrCat("the service ", caller.subject);
  }
  const absl::string_view role = RoleName(caller.role);
  return absl::StrCat(role == "instructor" ? "an " : "a ", role);
}

// "grader, instructor, service (grading)".
std::string DescribeAllowed(const MethodAccess& access) {
  std::vector<std::string> who;
  for (const Role role : access.roles) {
    std::string name(RoleName(role));
    if (role == Role::kService) {
      absl::StrAppend(&name, " (", absl::StrJoin(access.services, ", "), ")");
    }
    who.push_back(std::move(name));
  }
  return absl::StrJoin(who, ", ");
}

}  // namespace

AccessPolicy& AccessPolicy::Allow(std::string method, MethodAccess access) {
  methods_[std::move(method)] = std::move(access);
  return *this;
}

AccessPolicy& AccessPolicy::AllowPublic(std::string prefix) {
  public_prefixes_.push_back(std::move(prefix));
  return *this;
}

bool AccessPolicy::IsPublic(absl::string_view method) const {
  for (const std::string& prefix : public_prefixes_) {
    if (absl::StartsWith(method, prefix)) return true;
  }
  return false;
}

absl::Status AccessPolicy::Authorize(absl::string_view method,
                                     const Principal& caller) const {
  if (IsPublic(method)) return absl::OkStatus();
  const absl::string_view shown = absl::StripPrefix(method, "/");
  const auto rule = methods_.find(method);
  if (rule == methods_.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(shown, " is not open to any caller on this server"));
  }
  const MethodAccess& access = rule->second;
  const bool allowed = access.roles.count(caller.role) > 0 &&
                       (caller.role != Role::kService ||
                        access.services.count(caller.subject) > 0);
  if (allowed) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(Describe(caller), " may not call ", shown,
                   " (it is for: ", DescribeAllowed(access), ")"));
}

std::vector<std::string> AccessPolicy::Methods() const {
  std::vector<std::string> methods;
  for (const auto& [method, access] : methods_) methods.push_back(method);
  return methods;
}

absl::Status CheckCallerCourse(const Principal& caller,
                               absl::string_view course_id) {
  if (caller.role == Role::kService || caller.course_id == course_id) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "this token is for course ", caller.course_id, ", not ", course_id));
}

AccessPolicy& AllowHealthAndReflection(AccessPolicy& policy) {
  return policy.AllowPublic("/grpc.health.v1.Health/")
      .AllowPublic("/grpc.reflection.v1alpha.ServerReflection/")
      .AllowPublic("/grpc.reflection.v1.ServerReflection/");
}

}  // namespace handin
