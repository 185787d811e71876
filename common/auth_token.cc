#include "common/auth_token.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <exception>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "Poco/Crypto/ECKey.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/JWT/Signer.h"
#include "Poco/JWT/Token.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/caller.h"

namespace handin {
namespace {

constexpr char kIssuer[] = "handin";

constexpr char kAlgorithm[] = "ES256";

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
absl::StatusOr<int64_t> IntClaim(const Poco::JSON::Object& claims,
                                 const std::string& name) {
  const Poco::Dynamic::Var value = claims.get(name);
  if (value.isInteger()) {
    try {
      return static_cast<int64_t>(value.convert<Poco::Int64>());
    } catch (const Poco::Exception&) {  // Past the range of an int64.
    }
  }
  return Unauthenticated(
      absl::StrCat("lacks the \"", name, "\" claim (or it is not a number)"));
}

absl::StatusOr<std::string> StringClaim(const Poco::JSON::Object& claims,
                                        const std::string& name) {
  const Poco::Dynamic::Var value = claims.get(name);
  if (!value.isString() || value.extract<std::string>().empty()) {
    return Unauthenticated(absl::StrCat("lacks the \"", name, "\" claim"));
  }
  return value.extract<std::string>();
}

// The claims of a token whose signature has been verified.
absl::StatusOr<TokenClaims> ReadClaims(const Poco::JSON::Object& jwt) {
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

// Why a token that did not verify was refused: its header names another
// algorithm (named only if it is a known one: the header is the caller's
// text), or its signature is not this key's.
absl::Status NotVerified(const std::string& token) {
  static const auto* const kKnown = new absl::flat_hash_set<std::string>{
      "none",  "HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
      "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"};
  std::string algorithm;
  try {
    algorithm = Poco::JWT::Token(token).getAlgorithm();
  } catch (const std::exception&) {  // Poco's, or a bad base64 or JSON.
    return Unauthenticated(
        "is malformed (its header or claims are not base64url JSON)");
  }
  if (algorithm != kAlgorithm) {
    return Unauthenticated(absl::StrCat(
        "is signed with ",
        kKnown->contains(algorithm) ? algorithm : "an unknown algorithm",
        "; only ES256 tokens are accepted"));
  }
  return Unauthenticated(
      "does not verify with this course's key: it is forged, damaged, or "
      "issued for another deployment");
}

// The EC key in `pem` (checked by CheckP256Key first), private when
// `is_private`.
absl::StatusOr<Poco::SharedPtr<Poco::Crypto::ECKey>> LoadKey(
    const std::string& pem, bool is_private) {
  std::istringstream stream(pem);
  try {
    return Poco::SharedPtr<Poco::Crypto::ECKey>(
        is_private ? new Poco::Crypto::ECKey(nullptr, &stream)
                   : new Poco::Crypto::ECKey(&stream));
  } catch (const Poco::Exception& e) {
    return absl::InternalError(
        absl::StrCat("the token key could not be loaded: ", e.displayText()));
  }
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
  absl::StatusOr<Poco::SharedPtr<Poco::Crypto::ECKey>> key =
      LoadKey(std::string(private_key_pem), /*is_private=*/true);
  if (!key.ok()) return key.status();
  Poco::JWT::Token token;
  token.setType("JWT");
  token.setIssuer(kIssuer);
  token.setSubject(claims.subject);
  Poco::JSON::Object& payload = token.payload();
  payload.set("role", std::string(RoleName(claims.role)));
  payload.set("course", claims.course_id);
  payload.set("iat", Poco::Int64{absl::ToUnixSeconds(claims.issued_at)});
  payload.set("exp", Poco::Int64{absl::ToUnixSeconds(claims.expires_at)});
  try {
    return Poco::JWT::Signer(*key).sign(token, kAlgorithm);
  } catch (const Poco::Exception& e) {
    return absl::InternalError(
        absl::StrCat("signing the token failed: ", e.displayText()));
  }
}

absl::StatusOr<TokenVerifier> TokenVerifier::FromPublicKeyPem(
    std::string public_key_pem) {
  if (absl::Status key = CheckP256Key(public_key_pem, /*want_private=*/false);
      !key.ok()) {
    return key;
  }
  absl::StatusOr<Poco::SharedPtr<Poco::Crypto::ECKey>> key =
      LoadKey(public_key_pem, /*is_private=*/false);
  if (!key.ok()) return key.status();
  auto signer = std::make_shared<Poco::JWT::Signer>(*key);
  signer->setAlgorithms({kAlgorithm});
  return TokenVerifier(std::move(signer));
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
  const std::string text(token);
  Poco::JWT::Token verified;
  bool signed_by_key = false;
  try {
    signed_by_key = signer_->tryVerify(text, verified);
  } catch (const std::exception&) {  // A bad base64 or JSON part.
  }
  if (!signed_by_key) return NotVerified(text);
  absl::StatusOr<TokenClaims> claims = ReadClaims(verified.payload());
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
