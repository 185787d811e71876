// The access table, the authenticator's decisions, and the authenticator
// installed on a real loopback server, called over a real channel.
#include "common/call_authenticator.h"

#include <memory>
#include <string>

#include "common/tls.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/ec_keys.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/generic_call.h"

namespace handin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kList[] = "/handin.grading.v1.GradingService/ListSubmissions";
constexpr char kPut[] = "/handin.storage.v1.StorageService/PutSubmission";
constexpr char kCourse[] = "eecs598-w24";

AccessPolicy TestPolicy() {
  AccessPolicy policy;
  AllowHealthAndReflection(policy);
  policy.Allow(kList, {.roles = {Role::kGrader, Role::kInstructor}});
  policy.Allow(kPut, {.roles = {Role::kService}, .services = {"intake"}});
  return policy;
}

Principal As(Role role, std::string subject = "someone") {
  return {.subject = std::move(subject), .role = role, .course_id = kCourse};
}

TEST(AccessPolicyTest, AllowsOnlyTheListedRoles) {
  const AccessPolicy policy = TestPolicy();
  EXPECT_TRUE(policy.Authorize(kList, As(Role::kGrader)).ok());
  EXPECT_TRUE(policy.Authorize(kList, As(Role::kInstructor)).ok());
  const absl::Status student = policy.Authorize(kList, As(Role::kStudent));
  EXPECT_EQ(student.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(student.message(),
            "a student may not call "
            "handin.grading.v1.GradingService/ListSubmissions (it is for: "
            "grader, instructor)");
}

TEST(AccessPolicyTest, ServicesAreNamed) {
  const AccessPolicy policy = TestPolicy();
  EXPECT_TRUE(policy.Authorize(kPut, As(Role::kService, "intake")).ok());
  EXPECT_EQ(policy.Authorize(kPut, As(Role::kService, "grading")).message(),
            "the service grading may not call "
            "handin.storage.v1.StorageService/PutSubmission (it is for: "
            "service (intake))");
  EXPECT_FALSE(policy.Authorize(kPut, As(Role::kInstructor)).ok());
}

TEST(AccessPolicyTest, UnlistedMethodsAreClosedAndHealthIsOpen) {
  const AccessPolicy policy = TestPolicy();
  EXPECT_EQ(policy.Authorize("/x.Y/Z", As(Role::kInstructor)).message(),
            "x.Y/Z is not open to any caller on this server");
  EXPECT_TRUE(policy.IsPublic("/grpc.health.v1.Health/Check"));
  EXPECT_TRUE(
      policy.IsPublic("/grpc.reflection.v1alpha.ServerReflection/"
                      "ServerReflectionInfo"));
  EXPECT_FALSE(policy.IsPublic(kList));
  EXPECT_THAT(policy.Methods(), ElementsAre(kList, kPut));
}

TEST(CheckCallerCourseTest, ATokenIsGoodForItsOwnCourseOnly) {
  const absl::Status other =
      CheckCallerCourse(As(Role::kGrader), "eecs498-f24");
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.message(),
            "this token is for course eecs598-w24, not eecs498-f24");
  EXPECT_TRUE(CheckCallerCourse(As(Role::kGrader), kCourse).ok());
  // A service acts for every course of the deployment.
  EXPECT_TRUE(
      CheckCallerCourse(As(Role::kService, "intake"), "eecs498-f24").ok());
}

class CallAuthenticatorTest : public ::testing::Test {
 protected:
  CallAuthenticatorTest()
      : keys_(testing::MakeEcKeyPair()),
        clock_(absl::FromUnixSeconds(1710000000)),
        authenticator_(std::make_shared<CallAuthenticator>(
            TestPolicy(), *TokenVerifier::FromPublicKeyPem(keys_.public_pem),
            clock_)) {}

  std::string Token(Role role, std::string subject = "gsi.lee",
                    absl::Duration lifetime = absl::Hours(1)) {
    const TokenClaims claims{.subject = std::move(subject),
                             .role = role,
                             .course_id = kCourse,
                             .issued_at = clock_.Now(),
                             .expires_at = clock_.Now() + lifetime};
    absl::StatusOr<std::string> token = IssueToken(claims, keys_.private_pem);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  testing::PemKeyPair keys_;
  testing::FakeClock clock_;
  std::shared_ptr<CallAuthenticator> authenticator_;
};

TEST_F(CallAuthenticatorTest, AdmitsAVerifiedAllowedCaller) {
  const std::string bearer = "Bearer " + Token(Role::kGrader);
  absl::StatusOr<std::optional<Principal>> decision =
      authenticator_->Decide(kList, bearer);
  ASSERT_TRUE(decision.ok()) << decision.status();
  ASSERT_TRUE(decision->has_value());
  EXPECT_EQ((*decision)->subject, "gsi.lee");
  EXPECT_EQ((*decision)->role, Role::kGrader);
  EXPECT_EQ((*decision)->course_id, kCourse);
  EXPECT_TRUE(
      authenticator_->Decide(kList, "bearer  " + Token(Role::kGrader)).ok());
}

TEST_F(CallAuthenticatorTest, SaysWhyACallIsRefused) {
  auto code_and_message = [&](std::optional<absl::string_view> header) {
    const absl::Status status = authenticator_->Decide(kList, header).status();
    return std::make_pair(status.code(), std::string(status.message()));
  };
  EXPECT_THAT(code_and_message(std::nullopt),
              ::testing::Pair(absl::StatusCode::kUnauthenticated,
                              HasSubstr("needs a bearer token")));
  EXPECT_THAT(code_and_message("Basic dXNlcjpwYXNz"),
              ::testing::Pair(absl::StatusCode::kUnauthenticated,
                              HasSubstr("must be \"Bearer <token>\"")));
  EXPECT_THAT(code_and_message("Bearer not-a-token"),
              ::testing::Pair(absl::StatusCode::kUnauthenticated,
                              HasSubstr("is malformed")));
  const std::string student = "Bearer " + Token(Role::kStudent, "ann");
  EXPECT_THAT(code_and_message(student),
              ::testing::Pair(absl::StatusCode::kPermissionDenied,
                              HasSubstr("a student may not call")));
  const std::string expiring =
      "Bearer " + Token(Role::kGrader, "gsi.lee", absl::Minutes(1));
  clock_.Advance(absl::Minutes(2));
  EXPECT_THAT(code_and_message(expiring),
              ::testing::Pair(absl::StatusCode::kUnauthenticated,
                              HasSubstr("expired at")));
}

TEST_F(CallAuthenticatorTest, PublicMethodsNeedNoToken) {
  absl::StatusOr<std::optional<Principal>> decision =
      authenticator_->Decide("/grpc.health.v1.Health/Check", std::nullopt);
  ASSERT_TRUE(decision.ok());
  EXPECT_FALSE(decision->has_value());
}

TEST_F(CallAuthenticatorTest, ARememberedTokenStillExpires) {
  const std::string bearer =
      "Bearer " + Token(Role::kGrader, "gsi.lee", absl::Minutes(5));
  ASSERT_TRUE(authenticator_->Decide(kList, bearer).ok());
  clock_.Advance(absl::Minutes(4));
  ASSERT_TRUE(authenticator_->Decide(kList, bearer).ok());
  clock_.Advance(absl::Minutes(2));
  const auto expired = authenticator_->Decide(kList, bearer);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(expired.status().message(), HasSubstr("expired at"));
}

// Answers every call with "<subject>/<role>/<course>" of its verified
// caller, or the error of CallerOf.
class WhoAmIReactor final : public grpc::ServerGenericBidiReactor {
 public:
  WhoAmIReactor(grpc::GenericCallbackServerContext* context,
                const CallAuthenticator& authenticator) {
    absl::StatusOr<Principal> caller = authenticator.CallerOf(*context);
    const std::string text =
        caller.ok() ? absl::StrCat(caller->subject, "/", RoleName(caller->role),
                                   "/", caller->course_id)
                    : std::string(caller.status().message());
    grpc::Slice slice(text);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

class WhoAmIService final : public grpc::CallbackGenericService {
 public:
  explicit WhoAmIService(const CallAuthenticator& authenticator)
      : authenticator_(authenticator) {}

 private:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    return new WhoAmIReactor(context, authenticator_);
  }
  const CallAuthenticator& authenticator_;
};

class AuthenticatedServerTest : public CallAuthenticatorTest {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        MakeServerCredentials({.insecure = true});
    ASSERT_TRUE(credentials.ok());
    (*credentials)->SetAuthMetadataProcessor(authenticator_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", *credentials, &port);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = absl::StrCat("127.0.0.1:", port);
    channel_ =
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // Calls `method` over `channel`; returns the status and the answer.
  static std::pair<grpc::Status, std::string> CallOn(
      const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
      const std::string& token) {
    testing::GenericAnswer answer =
        testing::CallWithEmptyRequest(channel, method, token);
    return {answer.status, answer.response};
  }

  // Calls `method` with `token` (none if empty); returns the status and
  // what the server answered.
  std::pair<grpc::Status, std::string> Call(const std::string& method,
                                            const std::string& token) {
    return CallOn(channel_, method, token);
  }

  WhoAmIService service_{*authenticator_};
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(AuthenticatedServerTest, HandlersSeeEachCallsOwnVerifiedCaller) {
  // Two tokens on one connection: the identity is per call.
  auto [first, first_text] = Call(kList, Token(Role::kGrader, "gsi.lee"));
  ASSERT_TRUE(first.ok()) << first.error_message();
  EXPECT_EQ(first_text, "gsi.lee/grader/eecs598-w24");
  auto [second, second_text] =
      Call(kList, Token(Role::kInstructor, "prof.kim"));
  ASSERT_TRUE(second.ok()) << second.error_message();
  EXPECT_EQ(second_text, "prof.kim/instructor/eecs598-w24");
}

TEST_F(AuthenticatedServerTest, RefusalsReachTheCallerWithTheirCodes) {
  auto [anonymous, ignored] = Call(kList, "");
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(anonymous.error_message(), HasSubstr("needs a bearer token"));
  auto [student, ignored_too] = Call(kList, Token(Role::kStudent, "ann"));
  EXPECT_EQ(student.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  auto [forged, ignored_three] =
      Call(kList, *IssueToken({.subject = "ann",
                               .role = Role::kInstructor,
                               .course_id = kCourse,
                               .issued_at = clock_.Now(),
                               .expires_at = clock_.Now() + absl::Hours(1)},
                              testing::MakeEcKeyPair().private_pem));
  EXPECT_EQ(forged.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(forged.error_message(), HasSubstr("does not verify"));
}

TEST_F(AuthenticatedServerTest, ATokenChannelCarriesItsTokenOnEveryCall) {
  const auto channel =
      CreateTokenChannel(address_, grpc::InsecureChannelCredentials(),
                         Token(Role::kService, "intake"));
  for (int i = 0; i < 2; ++i) {
    auto [status, text] = CallOn(channel, kPut, "");
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(text, "intake/service/eecs598-w24");
  }
}

TEST_F(AuthenticatedServerTest, PublicMethodCarriesNoIdentity) {
  auto [status, text] = Call("/grpc.health.v1.Health/Check", "");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(text, HasSubstr("needs a bearer token"));
}

}  // namespace
}  // namespace handin
