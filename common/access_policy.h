#ifndef HANDIN_COMMON_ACCESS_POLICY_H_
#define HANDIN_COMMON_ACCESS_POLICY_H_

// Which callers may call which RPC: one table per server, checked by the
// CallAuthenticator (common/call_authenticator.h) before any handler runs.
// Ownership (a student sees only their own submissions) is the handlers'
// part: they act for the verified subject and never take a principal from
// a student's request.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth_token.h"

namespace handin {

// A verified caller: the claims of their token.
struct Principal {
  std::string subject;
  Role role = Role::kStudent;
  std::string course_id;
};

// Who may call one method.
struct MethodAccess {
  // Roles allowed. A service may call only if kService is here and its
  // subject is in `services`.
  std::set<Role> roles;
  // For kService: the service subjects (e.g. "intake") allowed; required
  // when kService is in `roles` (so "only intake commits submissions" is
  // said where it is meant).
  std::set<std::string> services;
};

// A server's access table: full method names ("/pkg.Service/Method", as in
// the HTTP/2 :path) to who may call them, plus method prefixes open to
// anyone (health checks, reflection). Anything not listed is denied.
class AccessPolicy {
 public:
  // Allows `method` ("/handin.intake.v1.IntakeService/Upload") to `access`.
  // Replaces an earlier rule for the same method.
  AccessPolicy& Allow(std::string method, MethodAccess access);
  // Opens every method starting with `prefix` (e.g.
  // "/grpc.health.v1.Health/") to anyone, without credentials.
  AccessPolicy& AllowPublic(std::string prefix);

  // True if `method` needs no credentials.
  bool IsPublic(absl::string_view method) const;

  // OK if `caller` may call `method`. PERMISSION_DENIED saying who may,
  // e.g. "a student may not call handin.grading.v1.GradingService/
  // ListSubmissions (it is for: grader, instructor)"; for a method not in
  // the table, "... is not open to any caller on this server".
  absl::Status Authorize(absl::string_view method,
                         const Principal& caller) const;

  // The methods with a rule, sorted: what a test walks to check every cell.
  std::vector<std::string> Methods() const;

 private:
  std::map<std::string, MethodAccess, std::less<>> methods_;
  std::vector<std::string> public_prefixes_;
};

// OK if `caller` may act in course `course_id`: a person's token is good
// for its own course only; a service acts for the whole deployment.
// PERMISSION_DENIED "this token is for course A, not B" otherwise.
absl::Status CheckCallerCourse(const Principal& caller,
                               absl::string_view course_id);

// The prefixes every handin server leaves open: grpc.health.v1 (probes)
// and server reflection (grpc_cli and grpcurl list the services before
// they call one, and reflection reveals only the schema).
AccessPolicy& AllowHealthAndReflection(AccessPolicy& policy);

}  // namespace handin

#endif  // HANDIN_COMMON_ACCESS_POLICY_H_
