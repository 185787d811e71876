// handin-deadline's start-up contract: --check_policy, a bad policy, --help,
// and that it serves with the machine's clock. Runs the real binary (its
// path compiled in as HANDIN_DEADLINE_BINARY).

#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/proto_time.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_auth.h"

namespace handin::deadline {
namespace {

using ::handin::testing::SourceDir;
using ::handin::testing::Subprocess;
using ::handin::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

RunResult RunDeadline(const std::string& args) {
  const std::string command =
      absl::StrCat(HANDIN_DEADLINE_BINARY, " ", args, " 2>&1");
  RunResult run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return run;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    run.output.append(buffer, n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string ReferencePolicy() {
  return SourceDir() + "/config/courses/eecs598-w24.textproto";
}

// Writes a policy with an unknown zone (line 2) and a dangling group
// member (line 3).
std::string WriteBadPolicy(const TempDir& dir) {
  const std::string path = dir.File("bad.textproto");
  std::ofstream(path) << "course_id: \"c1\"\n"
                         "time_zone: \"America/Detriot\"\n"
                         "groups { group_id: \"g\" kind: "
                         "GROUP_KIND_PRESENTATION member_ids: [\"nobody\"] }\n";
  return path;
}

TEST(HandinDeadline, CheckPolicyAcceptsTheReferenceCourseAndPrintsItsWarnings) {
  const RunResult run =
      RunDeadline(absl::StrCat("--check-policy ", ReferencePolicy()));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output,
              HasSubstr("warning: group \"luke\" (Luke) has 1 member"));
  EXPECT_THAT(run.output, HasSubstr("course eecs598-w24 loads: 34 students, "
                                    "23 sessions, 48 items, 2 warning(s)"));
}

TEST(HandinDeadline, CheckPolicyListsEveryErrorWithFileAndLineAndExitsOne) {
  TempDir dir;
  const std::string path = WriteBadPolicy(dir);
  const RunResult run = RunDeadline(absl::StrCat("--check_policy=", path));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(path + ":2:1: unknown time zone "
                                           "\"America/Detriot\""));
  EXPECT_THAT(run.output, HasSubstr(path + ":3:"));
  EXPECT_THAT(run.output, HasSubstr("2 error(s)"));
}

TEST(HandinDeadline, StartingWithABadPolicyPrintsOneLineAndExitsOne) {
  TempDir dir;
  const std::string path = WriteBadPolicy(dir);
  const RunResult run =
      RunDeadline(absl::StrCat("--policy ", path, " --listen 127.0.0.1:0"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  std::vector<std::string> lines =
      absl::StrSplit(run.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1u) << run.output;
  EXPECT_THAT(lines[0], StartsWith("handin-deadline: cannot load policy: " +
                                   path + ":2:1: unknown time zone"));
  EXPECT_THAT(lines[0], HasSubstr("(and 1 more; run with --check-policy FILE"));
}

TEST(HandinDeadline, RefusesToStartWithoutAPolicy) {
  const RunResult run = RunDeadline("--listen 127.0.0.1:0");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.output, HasSubstr("--policy FILE is required"));
}

TEST(HandinDeadline, HelpListsEveryFlag) {
  const RunResult run = RunDeadline("--help");
  for (const char* flag :
       {"--policy", "--check_policy", "--listen", "--port_file", "--tls_cert",
        "--tls_key", "--tls_ca", "--mtls", "--insecure", "--shutdown_grace"}) {
    EXPECT_THAT(run.output, HasSubstr(flag)) << run.output;
  }
  EXPECT_THAT(run.output, HasSubstr("as an iCalendar file")) << run.output;
}

TEST(HandinDeadline, WhatIfIsJudgedAtTheMachinesClock) {
  TempDir dir;
  const handin::testing::TestAuth auth;
  auto server = Subprocess::Start(
      {HANDIN_DEADLINE_BINARY, "--policy", ReferencePolicy(), "--listen",
       "127.0.0.1:0", "--insecure", "--shutdown_grace=0s", "--port_file",
       dir.File("port"), "--token_key=" + auth.WriteKeys(dir.path())},
      dir.File("log"));
  ASSERT_TRUE(server.ok()) << server.status();
  int port = 0;
  for (int i = 0; i < 500 && port == 0; ++i) {
    auto text = ReadFileToString(dir.File("port"));
    if (!text.ok() ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &port)) {
      ASSERT_TRUE((*server)->Running())
          << ReadFileToString(dir.File("log")).value_or("");
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  ASSERT_NE(port, 0) << "no port file after 5 s";
  // WhatIf is intake's to call, on a student's behalf.
  auto stub = v1::DeadlineService::NewStub(CreateTokenChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials(),
      auth.ServiceToken("intake")));
  v1::WhatIfRequest request;
  request.set_course_id("eecs598-w24");
  request.set_principal("ari");
  request.set_item_id("project-report");
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::WhatIfResponse response;
  const absl::Time before = absl::Now();
  grpc::Status status = stub->WhatIf(&context, request, &response);
  const absl::Time after = absl::Now();
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::Time evaluated = FromProtoTimestamp(response.evaluated_at());
  EXPECT_GE(evaluated, before - absl::Seconds(1));
  EXPECT_LE(evaluated, after + absl::Seconds(1));
  stub.reset();
  (*server)->Signal(SIGTERM);
  auto code = (*server)->Wait(absl::Seconds(15));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace handin::deadline
