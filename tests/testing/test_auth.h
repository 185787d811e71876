#ifndef HANDIN_TESTS_TESTING_TEST_AUTH_H_
#define HANDIN_TESTS_TESTING_TEST_AUTH_H_

// Real tokens for tests: a fresh course key pair, tokens signed with it, and
// authenticators that verify them, so every test server checks callers as
// a deployed one does.

#include <memory>
#include <string>

#include "common/access_policy.h"
#include "common/auth_token.h"
#include "common/call_authenticator.h"
#include "common/clock.h"
#include "grpcpp/client_context.h"
#include "tests/testing/ec_keys.h"

namespace handin::testing {

// The reference course, which test tokens are for unless told otherwise.
inline constexpr char kTestCourse[] = "eecs598-w24";

class TestAuth {
 public:
  // Generates the key pair; tokens are valid from a day before to a year
  // after `clock.Now()` (not owned; must outlive this), so a test's fake
  // clock may wander.
  explicit TestAuth(const Clock& clock = SystemClockInstance());

  // A token for `subject` in `role` and `course`.
  std::string Token(Role role, const std::string& subject,
                    const std::string& course = kTestCourse) const;
  // The token of the service named `service` ("intake", "grading", ...).
  std::string ServiceToken(const std::string& service) const;
  // Makes `context`'s call carry Token(role, subject, course).
  void Attach(grpc::ClientContext& context, Role role,
              const std::string& subject,
              const std::string& course = kTestCourse) const;

  // An authenticator enforcing `policy` with this key and the clock.
  std::shared_ptr<CallAuthenticator> Authenticator(AccessPolicy policy) const;
  // An authenticator that admits any valid token (any person; the services
  // intake, deadline, grading and gateway) to every method of
  // `service_full_name` (e.g. "handin.deadline.v1.DeadlineService"): for
  // tests of a service's behaviour; its access table is tested on its own.
  std::shared_ptr<CallAuthenticator> AdmitAnyCaller(
      const std::string& service_full_name) const;

  // Writes the public (token.pub) and private (token.key) keys into `dir`
  // for binaries (--token_key) and handin-admin; returns the public path.
  std::string WriteKeys(const std::string& dir) const;

  const PemKeyPair& keys() const { return keys_; }

 private:
  static const Clock& SystemClockInstance();

  const Clock& clock_;
  PemKeyPair keys_;
};

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_TEST_AUTH_H_
