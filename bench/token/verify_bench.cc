// Bearer-token verification, as every service does it once per token
// (CallAuthenticator remembers a verified token): TokenVerifier::Verify on
// one thread and on two. With HANDIN_BENCH_LIBJWT (libjwt-dev installed at
// configure time), the same check through libjwt runs beside it: the
// library handin used before, which re-reads the PEM key on every check.

#include <cstdlib>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "common/auth_token.h"
#include "tests/testing/ec_keys.h"

#ifdef HANDIN_BENCH_LIBJWT
#include <jwt.h>
#endif

namespace handin {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1710000000);

// One course key, its verifier and a student's token.
struct Fixture {
  testing::PemKeyPair keys;
  std::optional<TokenVerifier> verifier;
  std::string token;
};

const Fixture& TheFixture() {
  static const Fixture* const fixture = [] {
    auto* made = new Fixture;
    made->keys = testing::MakeEcKeyPair("P-256");
    absl::StatusOr<TokenVerifier> verifier =
        TokenVerifier::FromPublicKeyPem(made->keys.public_pem);
    absl::StatusOr<std::string> token =
        IssueToken({.subject = "s001",
                    .role = Role::kStudent,
                    .course_id = "eecs598-w24",
                    .issued_at = kNow - absl::Hours(1),
                    .expires_at = kNow + absl::Hours(24)},
                   made->keys.private_pem);
    if (!verifier.ok() || !token.ok()) std::abort();
    made->verifier.emplace(*std::move(verifier));
    made->token = *std::move(token);
    return made;
  }();
  return *fixture;
}

void BM_TokenVerifier(benchmark::State& state) {
  const Fixture& fixture = TheFixture();
  for (auto _ : state) {
    absl::StatusOr<TokenClaims> claims =
        fixture.verifier->Verify(fixture.token, kNow);
    if (!claims.ok()) state.SkipWithError("a good token did not verify");
    benchmark::DoNotOptimize(claims);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenVerifier)->Threads(1)->Threads(2)->UseRealTime();

#ifdef HANDIN_BENCH_LIBJWT
void BM_LibjwtDecode(benchmark::State& state) {
  const Fixture& fixture = TheFixture();
  const std::string& key = fixture.keys.public_pem;
  for (auto _ : state) {
    jwt_t* jwt = nullptr;
    const int failed =
        jwt_decode(&jwt, fixture.token.c_str(),
                   reinterpret_cast<const unsigned char*>(key.data()),
                   static_cast<int>(key.size()));
    if (failed != 0) state.SkipWithError("libjwt refused a good token");
    jwt_free(jwt);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LibjwtDecode)->Threads(1)->Threads(2)->UseRealTime();
#endif

}  // namespace
}  // namespace handin

BENCHMARK_MAIN();
