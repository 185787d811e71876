#include "common/auth_token.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/ec_keys.h"

namespace handin {
namespace {

using ::testing::HasSubstr;

using ::handin::testing::MakeEcKeyPair;
using PemKeys = ::handin::testing::PemKeyPair;

PemKeys MakeKeys(const char* curve = "P-256") { return MakeEcKeyPair(curve); }

const absl::Time kNow = absl::FromUnixSeconds(1710000000);  // 2024-03-09

TokenClaims GraderClaims() {
  return {.subject = "gsi.lee",
          .role = Role::kGrader,
          .course_id = "eecs598-w24",
          .issued_at = kNow - absl::Hours(1),
          .expires_at = kNow + absl::Hours(24)};
}

// A token libjwt makes with `alg` and `key`, claims as a grader's.
std::string HandMadeToken(jwt_alg_t alg, const std::string& key) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  jwt_add_grant(jwt, "sub", "mallory");
  jwt_add_grant(jwt, "role", "instructor");
  jwt_add_grant(jwt, "course", "eecs598-w24");
  jwt_add_grant_int(jwt, "iat", absl::ToUnixSeconds(kNow));
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(kNow + absl::Hours(1)));
  EXPECT_EQ(jwt_set_alg(jwt, alg,
                        key.empty() ? nullptr
                                    : reinterpret_cast<const unsigned char*>(
                                          key.data()),
                        static_cast<int>(key.size())),
            0);
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded == nullptr ? "" : encoded;
  std::free(encoded);
  jwt_free(jwt);
  return token;
}

class AuthTokenTest : public ::testing::Test {
 protected:
  AuthTokenTest() : keys_(MakeKeys()) {
    absl::StatusOr<TokenVerifier> verifier =
        TokenVerifier::FromPublicKeyPem(keys_.public_pem);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    verifier_.emplace(*std::move(verifier));
  }

  std::string Issue(const TokenClaims& claims) {
    absl::StatusOr<std::string> token = IssueToken(claims, keys_.private_pem);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  void ExpectUnauthenticated(const std::string& token, const std::string& why,
                             absl::Time now = kNow) {
    absl::StatusOr<TokenClaims> claims = verifier_->Verify(token, now);
    EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated)
        << claims.status();
    EXPECT_THAT(std::string(claims.status().message()), HasSubstr(why));
  }

  PemKeys keys_;
  std::optional<TokenVerifier> verifier_;
};

TEST_F(AuthTokenTest, IssuedTokenVerifiesWithEveryClaim) {
  const TokenClaims issued = GraderClaims();
  absl::StatusOr<TokenClaims> claims = verifier_->Verify(Issue(issued), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "gsi.lee");
  EXPECT_EQ(claims->role, Role::kGrader);
  EXPECT_EQ(claims->course_id, "eecs598-w24");
  EXPECT_EQ(claims->issued_at, issued.issued_at);
  EXPECT_EQ(claims->expires_at, issued.expires_at);
}

TEST_F(AuthTokenTest, TokenOfAnotherKeyIsForged) {
  absl::StatusOr<std::string> token =
      IssueToken(GraderClaims(), MakeKeys().private_pem);
  ASSERT_TRUE(token.ok()) << token.status();
  ExpectUnauthenticated(*token, "does not verify with this course's key");
}

// The middle (claims) part of a JWT.
std::string ClaimsPart(const std::string& token) {
  const size_t first = token.find('.');
  return token.substr(first + 1, token.find('.', first + 1) - first - 1);
}

TEST_F(AuthTokenTest, ChangedClaimsBreakTheSignature) {
  const std::string grader = Issue(GraderClaims());
  // An instructor's claims under the grader token's signature.
  const std::string spliced = absl::StrReplaceAll(
      grader, {{ClaimsPart(grader),
                ClaimsPart(HandMadeToken(JWT_ALG_ES256, keys_.private_pem))}});
  ASSERT_NE(spliced, grader);
  ExpectUnauthenticated(spliced, "does not verify");
}

TEST_F(AuthTokenTest, UnsignedTokenIsRefused) {
  ExpectUnauthenticated(HandMadeToken(JWT_ALG_NONE, ""), "bearer token");
}

TEST_F(AuthTokenTest, HmacWithThePublicKeyAsSecretIsRefused) {
  // The classic algorithm confusion: the public key is no secret.
  ExpectUnauthenticated(HandMadeToken(JWT_ALG_HS256, keys_.public_pem),
                        "only ES256");
}

TEST_F(AuthTokenTest, ExpiredTokenSaysWhenAndWhatToDo) {
  ExpectUnauthenticated(
      Issue(GraderClaims()),
      "expired at 2024-03-10 16:00:00 UTC; ask the course staff",
      kNow + absl::Hours(24));
}

TEST_F(AuthTokenTest, TokenFromTheFutureIsNotValidYet) {
  TokenClaims claims = GraderClaims();
  claims.issued_at = kNow + absl::Minutes(5);
  ExpectUnauthenticated(Issue(claims), "is not valid yet");
  // A little skew is tolerated.
  claims.issued_at = kNow + absl::Seconds(30);
  EXPECT_TRUE(verifier_->Verify(Issue(claims), kNow).ok());
}

TEST_F(AuthTokenTest, MalformedAndOversizedTokensAreRefused) {
  ExpectUnauthenticated("", "is malformed");
  ExpectUnauthenticated("abc", "is malformed");
  ExpectUnauthenticated("a.b.c.d", "is malformed");
  ExpectUnauthenticated("a b.c.d", "is malformed");
  ExpectUnauthenticated(std::string(kMaxTokenBytes + 1, 'a'), "is longer than");
}

TEST_F(AuthTokenTest, MissingOrUnknownClaimsAreNamed) {
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  jwt_add_grant(jwt, "sub", "ana");
  jwt_add_grant(jwt, "role", "dean");
  jwt_add_grant(jwt, "course", "eecs598-w24");
  jwt_add_grant_int(jwt, "iat", absl::ToUnixSeconds(kNow));
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(kNow + absl::Hours(1)));
  jwt_set_alg(jwt, JWT_ALG_ES256,
              reinterpret_cast<const unsigned char*>(keys_.private_pem.data()),
              static_cast<int>(keys_.private_pem.size()));
  char* unknown_role = jwt_encode_str(jwt);
  ExpectUnauthenticated(unknown_role, "names an unknown role");
  std::free(unknown_role);
  jwt_del_grants(jwt, "exp");
  jwt_del_grants(jwt, "role");
  jwt_add_grant(jwt, "role", "student");
  char* no_expiry = jwt_encode_str(jwt);
  ExpectUnauthenticated(no_expiry, "\"exp\" claim");
  std::free(no_expiry);
  jwt_free(jwt);
}

TEST(AuthTokenIssueTest, RefusesBadClaimsAndKeys) {
  const PemKeys keys = MakeKeys();
  TokenClaims claims = GraderClaims();
  claims.subject = "Not A User";
  EXPECT_EQ(IssueToken(claims, keys.private_pem).status().code(),
            absl::StatusCode::kInvalidArgument);
  claims = GraderClaims();
  claims.expires_at = claims.issued_at;
  EXPECT_THAT(IssueToken(claims, keys.private_pem).status().message(),
              HasSubstr("positive lifetime"));
  EXPECT_THAT(IssueToken(GraderClaims(), keys.public_pem).status().message(),
              HasSubstr("not a PEM private key"));
  EXPECT_THAT(IssueToken(GraderClaims(), MakeKeys("P-384").private_pem)
                  .status()
                  .message(),
              HasSubstr("not an EC P-256 key"));
  EXPECT_FALSE(TokenVerifier::FromPublicKeyPem("junk").ok());
}

TEST(RoleTest, NamesRoundTrip) {
  for (const Role role :
       {Role::kStudent, Role::kGrader, Role::kInstructor, Role::kService}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(ParseRole("admin"), std::nullopt);
}

}  // namespace
}  // namespace handin
