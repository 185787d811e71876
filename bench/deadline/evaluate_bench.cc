// How fast the deadline service judges uploads, on the reference course
// (config/courses/eecs598-w24.textproto):
//   * BM_Evaluate: Course::Evaluate in-process, per verdict kind and mixed
//     (on time, late, refused in equal parts), on 1 and 2 threads;
//     items_per_second is verdicts per second.
//   * BM_EvaluateRpc: the Evaluate RPC through the generated stub to an
//     in-process server on 127.0.0.1, plaintext and TLS, one call at a
//     time and from 8 client threads at once; p50_us, p90_us and p99_us
//     are per-call latency percentiles (averaged over client threads).
// Run it (Release) as docs/benchmarks.md says, which records results:
//   build/bin/handin_bench_deadline --benchmark_min_time=1
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
// Before common/clock.h, which uses absl::Now without including it.
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "common/auth_token.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/proto_time.h"
#include "common/server_runner.h"
#include "common/tls.h"
#include "grpcpp/grpcpp.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "services/deadline/access.h"
#include "services/deadline/deadline_service.h"
#include "services/deadline/policy.h"
#include "services/deadline/policy_loader.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;

// Dies with `what`: a benchmark without its inputs measures nothing.
[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "handin_bench_deadline: %s\n", what.c_str());
  std::exit(1);
}

std::shared_ptr<const Course> SharedReferenceCourse() {
  static const auto* course = [] {
    const std::string path = absl::StrCat(
        HANDIN_SOURCE_DIR, "/config/courses/eecs598-w24.textproto");
    auto loaded = LoadCourseFromFile(path);
    if (!loaded.ok()) Die(std::string(loaded.status().message()));
    return new std::shared_ptr<const Course>(*std::move(loaded));
  }();
  return *course;
}

const Course& ReferenceCourse() { return *SharedReferenceCourse(); }

enum Mix { kOnTime = 0, kLate = 1, kRefused = 2, kMixed = 3 };

struct Case {
  std::string principal;
  std::string item_id;
  absl::Time started;
  std::optional<absl::Time> completed;
};

// Returns `n` uploads of the given kind (kMixed: the three kinds in turn),
// each checked to get the verdict its kind says. Late ones are flagged or
// not counted, as the item's rule says; refused ones are by students who do
// not owe the item.
std::vector<Case> MakeCases(Mix mix, size_t n) {
  const Course& course = ReferenceCourse();
  std::mt19937 rng(598);
  auto uniform = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const auto& students = course.policy().roster().students();
  std::vector<Case> cases;
  while (cases.size() < n) {
    const Mix kind = mix == kMixed ? static_cast<Mix>(cases.size() % 3) : mix;
    const ConcreteItem& item =
        course.items()[uniform(0, course.items().size() - 1)];
    const std::string& student =
        students[uniform(0, students.size() - 1)].user_id();
    if (course.Owes(student, item) != (kind != kRefused)) continue;
    Case c{student, item.id, item.due_at, std::nullopt};
    if (kind == kOnTime) c.started -= absl::Seconds(uniform(1, 3 * 86400));
    if (kind == kLate) c.started += absl::Seconds(uniform(1, 5 * 86400));
    if (kind == kRefused) c.started += absl::Seconds(uniform(-86400, 86400));
    c.completed = c.started + absl::Seconds(uniform(1, 1200));
    auto v = course.Evaluate(c.principal, c.item_id, c.started, c.completed);
    if (!v.ok()) Die(std::string(v.status().message()));
    const bool as_meant = kind == kOnTime ? v->kind == VERDICT_KIND_ON_TIME
                          : kind == kLate
                              ? (v->kind == VERDICT_KIND_LATE_COUNTED ||
                                 v->kind == VERDICT_KIND_LATE_NOT_COUNTED)
                              : v->kind == VERDICT_KIND_REFUSED;
    if (!as_meant) Die(absl::StrCat("case ", cases.size(), ": ", v->reason));
    cases.push_back(std::move(c));
  }
  return cases;
}

void BM_Evaluate(benchmark::State& state) {
  const Course& course = ReferenceCourse();
  const std::vector<Case> cases =
      MakeCases(static_cast<Mix>(state.range(0)), 3000);
  size_t i = state.thread_index() * 997;
  for (auto _ : state) {
    const Case& c = cases[i++ % cases.size()];
    auto verdict =
        course.Evaluate(c.principal, c.item_id, c.started, c.completed);
    benchmark::DoNotOptimize(verdict);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::vector<const char*>{"on time", "late", "refused",
                                          "mixed"}[state.range(0)]);
}
BENCHMARK(BM_Evaluate)->Arg(kOnTime)->Arg(kLate)->Arg(kRefused)->Arg(kMixed);
BENCHMARK(BM_Evaluate)->Arg(kMixed)->Threads(2)->UseRealTime();

// A deadline service on 127.0.0.1 and a stub that calls it.
struct Loopback {
  SystemClock clock;
  std::shared_ptr<CallAuthenticator> authenticator;
  std::unique_ptr<DeadlineServiceImpl> service;
  RunningServer server;
  std::unique_ptr<v1::DeadlineService::Stub> stub;
};

std::string work_dir;  // Made on first use, removed by main.
std::vector<std::unique_ptr<Loopback>> loopbacks;

// The temporary directory, with the course token key pair (scripts/lib/
// keys.sh) and, after a TLS loopback starts, TLS material (tls.sh).
const std::string& WorkDir() {
  if (!work_dir.empty()) return work_dir;
  char dir[] = "/tmp/handin-bench-XXXXXX";
  if (mkdtemp(dir) == nullptr) Die("cannot make a temporary directory");
  work_dir = dir;
  const std::string make = absl::StrCat(
      "bash -c '. \"$0/scripts/lib/keys.sh\" && handin_make_keys \"$1\"' ",
      HANDIN_SOURCE_DIR, " ", work_dir);
  if (std::system(make.c_str()) != 0) Die("cannot make the token keys");
  return work_dir;
}

// The deadline service's own access table, verifying with the token key.
std::shared_ptr<CallAuthenticator> Authenticator() {
  static const SystemClock clock;
  auto pem = ReadFileToString(WorkDir() + "/token.pub");
  if (!pem.ok()) Die(std::string(pem.status().message()));
  auto verifier = TokenVerifier::FromPublicKeyPem(*pem);
  if (!verifier.ok()) Die(std::string(verifier.status().message()));
  return std::make_shared<CallAuthenticator>(DeadlineAccess(), *verifier,
                                             clock);
}

// Intake's service token: Evaluate is intake's to call.
std::string IntakeToken() {
  auto key = ReadFileToString(WorkDir() + "/token.key");
  if (!key.ok()) Die(std::string(key.status().message()));
  const absl::Time now = absl::Now();
  auto token = IssueToken({.subject = "intake",
                           .role = Role::kService,
                           .course_id = "*",
                           .issued_at = now,
                           .expires_at = now + absl::Hours(1)},
                          *key);
  if (!token.ok()) Die(std::string(token.status().message()));
  return *token;
}

// Returns a plaintext (tls = false) or TLS loopback, started on first use.
// Thread-safe: client threads of one benchmark share the server.
Loopback& GetLoopback(bool tls) {
  static std::mutex mu;
  static Loopback* cached[2] = {nullptr, nullptr};
  std::lock_guard<std::mutex> lock(mu);
  if (cached[tls] != nullptr) return *cached[tls];
  auto lb = std::make_unique<Loopback>();
  lb->authenticator = Authenticator();
  lb->service = std::make_unique<DeadlineServiceImpl>(
      SharedReferenceCourse(), lb->clock, *lb->authenticator);
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.authenticator = lb->authenticator;
  ChannelTlsOptions channel_tls;
  if (tls) {
    const std::string make = absl::StrCat(
        "bash -c '. \"$0/scripts/lib/tls.sh\" && handin_make_tls \"$1\"' ",
        HANDIN_SOURCE_DIR, " ", WorkDir() + "/tls");
    if (std::system(make.c_str()) != 0) Die("cannot make TLS material");
    options.tls.cert_file = WorkDir() + "/tls/server.pem";
    options.tls.key_file = WorkDir() + "/tls/server.key";
    channel_tls.ca_file = WorkDir() + "/tls/ca.pem";
  } else {
    options.tls.insecure = true;
    channel_tls.insecure = true;
  }
  auto running = StartServer(options, {lb->service.get()});
  if (!running.ok()) Die(std::string(running.status().message()));
  lb->server = *std::move(running);
  auto credentials = MakeChannelCredentials(channel_tls);
  if (!credentials.ok()) Die(std::string(credentials.status().message()));
  lb->stub = v1::DeadlineService::NewStub(
      CreateTokenChannel(absl::StrCat("127.0.0.1:", lb->server.port),
                         *credentials, IntakeToken()));
  cached[tls] = lb.get();
  loopbacks.push_back(std::move(lb));
  return *cached[tls];
}

void BM_EvaluateRpc(benchmark::State& state) {
  Loopback& lb = GetLoopback(state.range(0) != 0);
  std::vector<v1::EvaluateRequest> requests;
  for (const Case& c : MakeCases(kMixed, 3000)) {
    v1::EvaluateRequest& r = requests.emplace_back();
    r.set_course_id("eecs598-w24");
    r.set_principal(c.principal);
    r.set_item_id(c.item_id);
    *r.mutable_started_at() = ToProtoTimestamp(c.started);
    *r.mutable_completed_at() = ToProtoTimestamp(*c.completed);
  }
  std::vector<double> micros;
  micros.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    grpc::ClientContext context;
    v1::EvaluateResponse response;
    const auto start = std::chrono::steady_clock::now();
    grpc::Status status =
        lb.stub->Evaluate(&context, requests[i++ % requests.size()], &response);
    const auto end = std::chrono::steady_clock::now();
    if (!status.ok()) {
      state.SkipWithError(status.error_message().c_str());
      break;
    }
    micros.push_back(
        std::chrono::duration<double, std::micro>(end - start).count());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) ? "TLS" : "plaintext");
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto percentile = [&micros](double p) {
    return micros[static_cast<size_t>(p * (micros.size() - 1))];
  };
  // With several client threads each reports its own percentiles; the
  // counters are their average.
  using benchmark::Counter;
  state.counters["p50_us"] = Counter(percentile(0.50), Counter::kAvgThreads);
  state.counters["p90_us"] = Counter(percentile(0.90), Counter::kAvgThreads);
  state.counters["p99_us"] = Counter(percentile(0.99), Counter::kAvgThreads);
}
BENCHMARK(BM_EvaluateRpc)->Arg(0)->Arg(1)->UseRealTime();
// Server throughput with calls in flight: 8 client threads, one channel.
BENCHMARK(BM_EvaluateRpc)->Arg(0)->Arg(1)->Threads(8)->UseRealTime();

}  // namespace
}  // namespace handin::deadline

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (auto& lb : handin::deadline::loopbacks) {
    handin::StopServer(lb->server, absl::ZeroDuration());
  }
  handin::deadline::loopbacks.clear();
  if (!handin::deadline::work_dir.empty()) {
    std::filesystem::remove_all(handin::deadline::work_dir);
  }
  return 0;
}
