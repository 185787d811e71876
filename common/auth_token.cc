#include "common/auth_token.h"

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/caller.h"

namespace handin {
namespace {

constexpr char kIssuer[] = "handin";

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

struct MallocFree {
  void operator()(char* text) const { std::free(text); }
};

// OK if `pem` holds a P-256 key, private when `want_private`, public
// otherwise; INVALID_ARGUMENT saying what it is not.
absl::Status CheckP256Key(absl::string_view pem, bool want_private) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (bio == nullptr) return absl::InternalError("out of memory");
  EVP_PKEY* raw =
      want_private
          ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
          : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, &EVP_PKEY_free);
  const char* kind = want_private ? "private" : "public";
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("not a PEM ", kind, " key"));
  }
  if (!EVP_PKEY_is_a(key.get(), "EC") || EVP_PKEY_get_bits(key.get()) != 256) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the ", kind, " key is not an EC P-256 key (tokens are signed ES256)"));
  }
  return absl::OkStatus();
}

// "2024-03-10 16:00:00 UTC".
std::string UtcText(absl::Time instant) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", instant,
                          absl::UTCTimeZone());
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("bearer token ", why));
}

// The integer claim `name`, or an error naming it.
absl::StatusOr<int64_t> IntClaim(jwt_t* jwt, const char* name) {
  errno = 0;
  const long value = jwt_get_grant_int(jwt, name);
  if (errno != 0) {
    return Unauthenticated(
        absl::StrCat("lacks the \"", name, "\" claim (or it is not a number)"));
  }
  return static_cast<int64_t>(value);
}

absl::StatusOr<std::string> StringClaim(jwt_t* jwt, const char* name) {
  const char* value = jwt_get_grant(jwt, name);
  if (value == nullptr || *value == '\0') {
    return Unauthenticated(absl::StrCat("lacks the \"", name, "\" claim"));
  }
  return std::string(value);
}

// The claims of a token whose signature has been verified.
absl::StatusOr<TokenClaims> ReadClaims(jwt_t* jwt) {
  TokenClaims claims;
  absl::StatusOr<std::string> subject = StringClaim(jwt, "sub");
  if (!subject.ok()) return subject.status();
  if (!IsValidUserId(*subject)) {
    return Unauthenticated("has a malformed subject (\"sub\")");
  }
  claims.subject = *std::move(subject);
  absl::StatusOr<std::string> role = StringClaim(jwt, "role");
  if (!role.ok()) return role.status();
  const std::optional<Role> parsed = ParseRole(*role);
  if (!parsed.has_value()) {
    return Unauthenticated("names an unknown role");
  }
  claims.role = *parsed;
  absl::StatusOr<std::string> course = StringClaim(jwt, "course");
  if (!course.ok()) return course.status();
  claims.course_id = *std::move(course);
  absl::StatusOr<int64_t> issued = IntClaim(jwt, "iat");
  if (!issued.ok()) return issued.status();
  absl::StatusOr<int64_t> expires = IntClaim(jwt, "exp");
  if (!expires.ok()) return expires.status();
  claims.issued_at = absl::FromUnixSeconds(*issued);
  claims.expires_at = absl::FromUnixSeconds(*expires);
  return claims;
}

// True if `token` is three base64url parts joined by dots (the last may be
// empty only for an unsigned token, which Verify refuses anyway).
bool LooksLikeJwt(absl::string_view token) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) return false;
  for (const char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kStudent:
      return "student";
    case Role::kGrader:
      return "grader";
    case Role::kInstructor:
      return "instructor";
    case Role::kService:
      return "service";
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (const Role role :
       {Role::kStudent, Role::kGrader, Role::kInstructor, Role::kService}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

absl::StatusOr<std::string> IssueToken(const TokenClaims& claims,
                                       absl::string_view private_key_pem) {
  if (!IsValidUserId(claims.subject)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", claims.subject,
        "\" is not a user id (1-64 of a-z 0-9 . _ -, starting with a letter "
        "or digit)"));
  }
  if (claims.course_id.empty()) {
    return absl::InvalidArgumentError("a token needs a course id");
  }
  if (claims.expires_at <= claims.issued_at) {
    return absl::InvalidArgumentError(
        "a token must expire after it is issued (a positive lifetime)");
  }
  if (absl::Status key = CheckP256Key(private_key_pem, /*want_private=*/true);
      !key.ok()) {
    return key;
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  const bool added =
      jwt_add_grant(jwt.get(), "iss", kIssuer) == 0 &&
      jwt_add_grant(jwt.get(), "sub", claims.subject.c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "role",
                    std::string(RoleName(claims.role)).c_str()) == 0 &&
      jwt_add_grant(jwt.get(), "course", claims.course_id.c_str()) == 0 &&
      jwt_add_grant_int(jwt.get(), "iat",
                        absl::ToUnixSeconds(claims.issued_at)) == 0 &&
      jwt_add_grant_int(jwt.get(), "exp",
                        absl::ToUnixSeconds(claims.expires_at)) == 0;
  if (!added) return absl::InternalError("could not add the token's claims");
  if (jwt_set_alg(
          jwt.get(), JWT_ALG_ES256,
          reinterpret_cast<const unsigned char*>(private_key_pem.data()),
          static_cast<int>(private_key_pem.size())) != 0) {
    return absl::InternalError("libjwt refused the ES256 key");
  }
  std::unique_ptr<char, MallocFree> encoded(jwt_encode_str(jwt.get()));
  if (encoded == nullptr) {
    return absl::InternalError("signing the token failed (libjwt)");
  }
  return std::string(encoded.get());
}

absl::StatusOr<TokenVerifier> TokenVerifier::FromPublicKeyPem(
    std::string public_key_pem) {
  if (absl::Status key = CheckP256Key(public_key_pem, /*want_private=*/false);
      !key.ok()) {
    return key;
  }
  return TokenVerifier(std::move(public_key_pem));
}

absl::StatusOr<TokenClaims> TokenVerifier::Verify(absl::string_view token,
                                                  absl::Time now) const {
  if (token.size() > kMaxTokenBytes) {
    return Unauthenticated(absl::StrCat("is longer than ", kMaxTokenBytes,
                                        " bytes; it is not one of ours"));
  }
  if (!LooksLikeJwt(token)) {
    return Unauthenticated(
        "is malformed (expected a JWT: three base64url parts joined by dots)");
  }
  const std::string terminated(token);
  jwt_t* raw = nullptr;
  const int decoded =
      jwt_decode(&raw, terminated.c_str(),
                 reinterpret_cast<const unsigned char*>(public_key_pem_.data()),
                 static_cast<int>(public_key_pem_.size()));
  JwtPtr jwt(raw);
  if (decoded != 0 || jwt == nullptr) {
    return Unauthenticated(
        "does not verify with this course's key: it is forged, damaged, or "
        "issued for another deployment");
  }
  if (jwt_get_alg(jwt.get()) != JWT_ALG_ES256) {
    return Unauthenticated(absl::StrCat("is signed with ",
                                        jwt_alg_str(jwt_get_alg(jwt.get())),
                                        "; only ES256 tokens are accepted"));
  }
  absl::StatusOr<TokenClaims> claims = ReadClaims(jwt.get());
  if (!claims.ok()) return claims.status();
  if (claims->expires_at <= claims->issued_at) {
    return Unauthenticated("expires before it was issued");
  }
  if (claims->issued_at > now + kTokenClockSkew) {
    return Unauthenticated(absl::StrCat("is not valid yet (issued at ",
                                        UtcText(claims->issued_at),
                                        "); check this machine's clock"));
  }
  if (now >= claims->expires_at) {
    return Unauthenticated(
        absl::StrCat("expired at ", UtcText(claims->expires_at),
                     "; ask the course staff for a new one"));
  }
  return claims;
}

}  // namespace handin
