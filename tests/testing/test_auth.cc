#include "tests/testing/test_auth.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace handin::testing {

TestAuth::TestAuth(const Clock& clock)
    : clock_(clock), keys_(MakeEcKeyPair()) {}

const Clock& TestAuth::SystemClockInstance() {
  static const SystemClock clock;
  return clock;
}

std::string TestAuth::Token(Role role, const std::string& subject,
                            const std::string& course) const {
  const absl::Time now = clock_.Now();
  const TokenClaims claims{.subject = subject,
                           .role = role,
                           .course_id = course,
                           .issued_at = now - absl::Hours(24),
                           .expires_at = now + absl::Hours(24 * 365)};
  absl::StatusOr<std::string> token = IssueToken(claims, keys_.private_pem);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

std::string TestAuth::ServiceToken(const std::string& service) const {
  return Token(Role::kService, service, "*");
}

void TestAuth::Attach(grpc::ClientContext& context, Role role,
                      const std::string& subject,
                      const std::string& course) const {
  AttachToken(context, Token(role, subject, course));
}

std::shared_ptr<CallAuthenticator> TestAuth::Authenticator(
    AccessPolicy policy) const {
  absl::StatusOr<TokenVerifier> verifier =
      TokenVerifier::FromPublicKeyPem(keys_.public_pem);
  EXPECT_TRUE(verifier.ok()) << verifier.status();
  return std::make_shared<CallAuthenticator>(std::move(policy),
                                             *std::move(verifier), clock_);
}

std::shared_ptr<CallAuthenticator> TestAuth::AdmitAnyCaller(
    const std::string& service_full_name) const {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          service_full_name);
  EXPECT_NE(service, nullptr) << "no service " << service_full_name;
  AccessPolicy policy;
  AllowHealthAndReflection(policy);
  for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
    policy.Allow(
        absl::StrCat("/", service_full_name, "/", service->method(i)->name()),
        {.roles = {Role::kStudent, Role::kGrader, Role::kInstructor,
                   Role::kService},
         .services = {"intake", "deadline", "grading", "gateway"}});
  }
  return Authenticator(std::move(policy));
}

std::string TestAuth::WriteKeys(const std::string& dir) const {
  const std::string public_path = dir + "/token.pub";
  std::ofstream(public_path) << keys_.public_pem;
  std::ofstream(dir + "/token.key") << keys_.private_pem;
  return public_path;
}

}  // namespace handin::testing
