#ifndef HANDIN_COMMON_AUTH_TOKEN_H_
#define HANDIN_COMMON_AUTH_TOKEN_H_

// Signed bearer tokens: who a call acts for, in which role and course.
//
// Format: a JSON Web Token (RFC 7519) signed with ES256 (ECDSA P-256 and
// SHA-256), made and checked by POCO's JWT library, which keeps the parsed
// key (libjwt re-read the PEM key on every check: handin_bench_token).
// Header {"alg":"ES256","typ":"JWT"};
// claims:
//   "sub"    user id (IsValidUserId: 1-64 of [a-z0-9._-])
//   "role"   "student", "grader", "instructor" or "service"
//   "course" the course id the token is good for
//   "iat"    issued at, seconds since the Unix epoch
//   "exp"    expires at, seconds since the Unix epoch (after "iat")
//   "iss"    "handin"
// Staff tooling (`handin-admin token issue`) signs with the course's
// private key; every service verifies with the public key. A token carries
// no secret of its own: whoever holds it acts as its subject until it
// expires, so it is sent only over TLS.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace Poco::JWT {
class Signer;
}  // namespace Poco::JWT

namespace handin {

// What a token lets its holder do (the access matrix is in terms of these).
enum class Role { kStudent, kGrader, kInstructor, kService };

// "student", "grader", "instructor", "service".
absl::string_view RoleName(Role role);
// The role named `name` (as RoleName spells it), or nullopt.
std::optional<Role> ParseRole(absl::string_view name);

// The verified content of a token.
struct TokenClaims {
  std::string subject;
  Role role = Role::kStudent;
  std::string course_id;
  absl::Time issued_at;
  absl::Time expires_at;
};

// Longest token accepted, in bytes (a real one is about 300).
inline constexpr size_t kMaxTokenBytes = 4096;
// How far in the future "iat" may be, for clocks that disagree a little.
inline constexpr absl::Duration kTokenClockSkew = absl::Seconds(60);

// Signs `claims` with `private_key_pem` (a P-256 private key in PEM, as
// `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` makes).
// INVALID_ARGUMENT for an invalid subject, an empty course id, or an
// expiry not after the issue instant; INTERNAL naming the cause when the
// key cannot be used.
absl::StatusOr<std::string> IssueToken(const TokenClaims& claims,
                                       absl::string_view private_key_pem);

// Checks tokens against one course key. Thread-safe (immutable).
class TokenVerifier {
 public:
  // `public_key_pem`: the P-256 public key whose private half signs tokens.
  // INVALID_ARGUMENT if it is not one.
  static absl::StatusOr<TokenVerifier> FromPublicKeyPem(
      std::string public_key_pem);

  // Returns the claims of `token` if it is well formed, signed ES256 with
  // this key, has every claim above, and `now` is within [iat - skew, exp).
  // Otherwise UNAUTHENTICATED with a message that says which: malformed,
  // too long, signed with another algorithm, signature not made with this
  // course's key (forged or for another deployment), a claim missing or
  // malformed, not yet valid, or expired (when, and to ask staff for a new
  // one). Never echoes the token.
  absl::StatusOr<TokenClaims> Verify(absl::string_view token,
                                     absl::Time now) const;

 private:
  explicit TokenVerifier(std::shared_ptr<const Poco::JWT::Signer> signer)
      : signer_(std::move(signer)) {}

  // Holds the parsed public key; its checks are const and share nothing.
  std::shared_ptr<const Poco::JWT::Signer> signer_;
};

}  // namespace handin

#endif  // HANDIN_COMMON_AUTH_TOKEN_H_
