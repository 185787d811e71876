#include "clients/admin/token_command.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/auth_token.h"
#include "common/tls.h"

namespace handin::admin {

absl::StatusOr<absl::Duration> ParseTokenLifetime(absl::string_view text) {
  const absl::Status not_a_lifetime = absl::InvalidArgumentError(absl::StrCat(
      "--ttl \"", text, "\" is not a lifetime; write e.g. 120d, 36h, 90m"));
  absl::Duration lifetime;
  absl::string_view day_count = text;
  if (absl::ConsumeSuffix(&day_count, "d")) {
    int64_t days = 0;
    if (!absl::SimpleAtoi(day_count, &days) || days > 366) {
      return not_a_lifetime;
    }
    lifetime = absl::Hours(24 * days);
  } else if (!absl::ParseDuration(text, &lifetime)) {
    return not_a_lifetime;
  }
  if (lifetime <= absl::ZeroDuration() || lifetime > kMaxTokenLifetime) {
    return absl::InvalidArgumentError(
        absl::StrCat("--ttl must be positive and at most 366d; got ", text));
  }
  return lifetime;
}

int RunTokenIssue(const TokenIssueRequest& request, absl::Time now,
                  std::ostream& out, std::ostream& err) {
  const std::optional<Role> role = ParseRole(request.role);
  if (!role.has_value()) {
    return Fail(err, absl::StrCat("--role \"", request.role,
                                  "\" is not a role; use student, grader, "
                                  "instructor or service"));
  }
  absl::StatusOr<absl::Duration> lifetime = ParseTokenLifetime(request.ttl);
  if (!lifetime.ok()) return Fail(err, lifetime.status().message());
  absl::StatusOr<std::string> key = ReadFileToString(request.key_file);
  if (!key.ok()) return Fail(err, key.status().message());
  // Whole seconds, as the token carries them.
  const absl::Time issued_at = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  const TokenClaims claims{.subject = request.user,
                           .role = *role,
                           .course_id = request.course,
                           .issued_at = issued_at,
                           .expires_at = issued_at + *lifetime};
  absl::StatusOr<std::string> token = IssueToken(claims, *key);
  if (!token.ok()) {
    return Fail(err,
                absl::StrCat(request.key_file, ": ", token.status().message()));
  }
  out << *token << "\n";
  err << "token for " << claims.subject << " (" << RoleName(claims.role)
      << ") in " << claims.course_id << ", expires "
      << absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", claims.expires_at,
                          absl::UTCTimeZone())
      << "\n";
  return kExitOk;
}

}  // namespace handin::admin
