#ifndef HANDIN_CLIENTS_ADMIN_TOKEN_COMMAND_H_
#define HANDIN_CLIENTS_ADMIN_TOKEN_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/admin/exit_codes.h"

namespace handin::admin {

// Longest lifetime a token may be issued with: one year.
inline constexpr absl::Duration kMaxTokenLifetime = absl::Hours(24 * 366);

// What `handin-admin token issue` was asked for.
struct TokenIssueRequest {
  // The course's token signing key (P-256 private key, PEM), e.g.
  // var/keys/token.key as scripts/up makes it.
  std::string key_file;
  std::string user;
  // "student", "grader", "instructor" or "service".
  std::string role;
  std::string course;
  // Lifetime: a number with a unit, d (days), h, m or s, e.g. "120d".
  std::string ttl;
};

// Parses a token lifetime: "120d", "36h", "90m", "1h30m" (absl durations
// plus whole days). InvalidArgument saying what is accepted for anything
// else, a lifetime that is not positive, or one over kMaxTokenLifetime.
absl::StatusOr<absl::Duration> ParseTokenLifetime(absl::string_view text);

// `handin-admin token issue`: signs a token for `request` issued at `now`
// and prints it alone on one line on `out` (so `$(handin-admin token
// issue ...)` captures it), and on `err` one line saying whom it is for and
// when it expires. Returns kExitOk; or prints one "handin-admin: ..." line
// on `err` and returns kExitError when the key cannot be read or used, or
// an argument is invalid.
int RunTokenIssue(const TokenIssueRequest& request, absl::Time now,
                  std::ostream& out, std::ostream& err);

}  // namespace handin::admin

#endif  // HANDIN_CLIENTS_ADMIN_TOKEN_COMMAND_H_
