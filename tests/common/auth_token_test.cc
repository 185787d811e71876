#include "common/auth_token.h"

#include <functional>
#include <sstream>
#include <string>

#include "Poco/Crypto/ECKey.h"
#include "Poco/JWT/Signer.h"
#include "Poco/JWT/Token.h"
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

// Sets a token's claims, as a test wants them.
using ClaimsSetter = std::function<void(Poco::JSON::Object&)>;

// Mallory's instructor claims for the course, valid at kNow.
void InstructorClaims(Poco::JSON::Object& claims) {
  claims.set("sub", "mallory");
  claims.set("role", "instructor");
  claims.set("course", "eecs598-w24");
  claims.set("iat", Poco::Int64{absl::ToUnixSeconds(kNow)});
  claims.set("exp", Poco::Int64{absl::ToUnixSeconds(kNow + absl::Hours(1))});
}

// A token made with another JWT writer than handin's own IssueToken: signed
// with `alg` ("ES256" with the P-256 private key `key`, "HS256" with `key`
// as the secret, "none" unsigned), claims as `set_claims` makes them.
std::string HandMadeToken(const std::string& alg, const std::string& key,
                          const ClaimsSetter& set_claims = InstructorClaims) {
  Poco::JWT::Token token;
  set_claims(token.payload());
  if (alg == Poco::JWT::Signer::ALGO_ES256) {
    std::istringstream pem(key);
    Poco::SharedPtr<Poco::Crypto::ECKey> ec(
        new Poco::Crypto::ECKey(nullptr, &pem));
    return Poco::JWT::Signer(ec).sign(token, alg);
  }
  if (alg == Poco::JWT::Signer::ALGO_NONE) {  // POCO will not sign it.
    token.setAlgorithm(alg);
    return token.toString();
  }
  return Poco::JWT::Signer(key).sign(token, alg);
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
                ClaimsPart(HandMadeToken("ES256", keys_.private_pem))}});
  ASSERT_NE(spliced, grader);
  ExpectUnauthenticated(spliced, "does not verify");
}

TEST_F(AuthTokenTest, UnsignedTokenIsRefused) {
  ExpectUnauthenticated(HandMadeToken("none", ""), "is signed with none");
}

TEST_F(AuthTokenTest, HmacWithThePublicKeyAsSecretIsRefused) {
  // The classic algorithm confusion: the public key is no secret.
  ExpectUnauthenticated(HandMadeToken("HS256", keys_.public_pem),
                        "is signed with HS256; only ES256");
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
  const auto token = [this](const ClaimsSetter& change) {
    return HandMadeToken("ES256", keys_.private_pem,
                         [&change](Poco::JSON::Object& claims) {
                           InstructorClaims(claims);
                           change(claims);
                         });
  };
  ExpectUnauthenticated(
      token([](Poco::JSON::Object& c) { c.set("role", "dean"); }),
      "names an unknown role");
  ExpectUnauthenticated(token([](Poco::JSON::Object& c) { c.remove("exp"); }),
                        "\"exp\" claim");
  ExpectUnauthenticated(
      token([](Poco::JSON::Object& c) { c.set("exp", "tomorrow"); }),
      "\"exp\" claim (or it is not a number)");
  ExpectUnauthenticated(
      token([](Poco::JSON::Object& c) { c.set("iat", 1710000000.5); }),
      "\"iat\" claim (or it is not a number)");
  ExpectUnauthenticated(token([](Poco::JSON::Object& c) { c.set("sub", 7); }),
                        "\"sub\" claim");
  ExpectUnauthenticated(
      token([](Poco::JSON::Object& c) { c.set("sub", "Not A User"); }),
      "malformed subject");
}

TEST_F(AuthTokenTest, HeaderOrClaimsThatAreNotJsonAreMalformed) {
  const std::string good = Issue(GraderClaims());
  const std::string not_json = "bm90IGpzb24";  // base64url of "not json"
  ExpectUnauthenticated(not_json + good.substr(good.find('.')), "is malformed");
  ExpectUnauthenticated(
      absl::StrReplaceAll(good, {{ClaimsPart(good), not_json}}),
      "is malformed");
}

TEST_F(AuthTokenTest, AnUnknownAlgorithmIsNotEchoed) {
  // {"alg":"<script>"} as the header.
  const std::string header = "eyJhbGciOiI8c2NyaXB0PiJ9";
  const std::string good = Issue(GraderClaims());
  const std::string token = header + good.substr(good.find('.'));
  ExpectUnauthenticated(token, "is signed with an unknown algorithm");
  EXPECT_THAT(std::string(verifier_->Verify(token, kNow).status().message()),
              ::testing::Not(HasSubstr("script")));
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
