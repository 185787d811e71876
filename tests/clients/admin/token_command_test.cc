// handin-admin token issue: through the library with a generated key, and
// through the built binary.
#include "clients/admin/token_command.h"

#include <fstream>
#include <sstream>
#include <string>

#include "common/auth_token.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/ec_keys.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::admin {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1710000000);  // 2024-03-09

class TokenIssueTest : public ::testing::Test {
 protected:
  TokenIssueTest() : keys_(handin::testing::MakeEcKeyPair()) {
    std::ofstream(dir_.File("token.key")) << keys_.private_pem;
    std::ofstream(dir_.File("token.pub")) << keys_.public_pem;
  }

  TokenIssueRequest Request() const {
    return {.key_file = dir_.File("token.key"),
            .user = "gsi.lee",
            .role = "grader",
            .course = "eecs598-w24",
            .ttl = "120d"};
  }

  // Runs the command; returns its exit code, keeping what it printed.
  int Run(const TokenIssueRequest& request) {
    out_.str("");
    err_.str("");
    return RunTokenIssue(request, kNow, out_, err_);
  }

  handin::testing::TempDir dir_;
  handin::testing::PemKeyPair keys_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(TokenIssueTest, PrintsATokenTheServicesAccept) {
  ASSERT_EQ(Run(Request()), kExitOk) << err_.str();
  std::string token = out_.str();
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(token.back(), '\n');
  token.pop_back();
  EXPECT_EQ(err_.str(),
            "token for gsi.lee (grader) in eecs598-w24, expires 2024-07-07 "
            "16:00:00 UTC\n");
  absl::StatusOr<TokenVerifier> verifier =
      TokenVerifier::FromPublicKeyPem(keys_.public_pem);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<TokenClaims> claims = verifier->Verify(token, kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "gsi.lee");
  EXPECT_EQ(claims->role, Role::kGrader);
  EXPECT_EQ(claims->course_id, "eecs598-w24");
  EXPECT_EQ(claims->expires_at, kNow + absl::Hours(24 * 120));
}

TEST_F(TokenIssueTest, RefusesAnUnknownRole) {
  TokenIssueRequest request = Request();
  request.role = "admin";
  EXPECT_EQ(Run(request), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("--role \"admin\" is not a role"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(TokenIssueTest, RefusesAMissingOrWrongKey) {
  TokenIssueRequest request = Request();
  request.key_file = dir_.File("missing.key");
  EXPECT_EQ(Run(request), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("missing.key"));
  request.key_file = dir_.File("token.pub");
  EXPECT_EQ(Run(request), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("not a PEM private key"));
}

TEST_F(TokenIssueTest, RefusesABadUser) {
  TokenIssueRequest request = Request();
  request.user = "Robert'); DROP";
  EXPECT_EQ(Run(request), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("is not a user id"));
}

TEST(ParseTokenLifetimeTest, AcceptsDaysAndDurations) {
  EXPECT_EQ(*ParseTokenLifetime("120d"), absl::Hours(24 * 120));
  EXPECT_EQ(*ParseTokenLifetime("36h"), absl::Hours(36));
  EXPECT_EQ(*ParseTokenLifetime("1h30m"), absl::Minutes(90));
  for (const char* bad : {"", "d", "12x", "-1d", "0s", "400d", "inf", "1.5d"}) {
    EXPECT_EQ(ParseTokenLifetime(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST_F(TokenIssueTest, BinaryPrintsOnlyTheTokenOnStdout) {
  handin::testing::CommandResult result = handin::testing::RunCommand(
      {HANDIN_ADMIN_BINARY, "token", "issue", "--key", dir_.File("token.key"),
       "--user", "ann", "--role", "student", "--course", "eecs598-w24", "--ttl",
       "1h"});
  ASSERT_EQ(result.exit_code, kExitOk) << result.err;
  absl::StatusOr<TokenVerifier> verifier =
      TokenVerifier::FromPublicKeyPem(keys_.public_pem);
  ASSERT_TRUE(verifier.ok());
  std::string token = result.out;
  ASSERT_FALSE(token.empty());
  token.pop_back();
  EXPECT_TRUE(verifier->Verify(token, absl::Now()).ok());
  EXPECT_THAT(result.err, HasSubstr("token for ann (student)"));
}

}  // namespace
}  // namespace handin::admin
