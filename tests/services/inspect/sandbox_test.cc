// RunSandboxedInspection: the real handin-inspect, and a fake one that
// misbehaves, under the sandbox's limits.

#include "services/inspect/sandbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/inspect/fixtures.h"
#include "tests/services/inspect/inspect_test_util.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::inspect {
namespace {

using ::handin::testing::BinaryDir;
using ::handin::testing::TempDir;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::Rule;
using ::testing::StartsWith;

std::string Binary(const std::string& name) {
  return BinaryDir() + "/bin/" + name;
}

class SandboxTest : public ::testing::Test {
 protected:
  SandboxTest() { options_.inspector_path = Binary("handin-inspect"); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.File(name);
    testing::WriteFile(path, bytes);
    return path;
  }

  absl::StatusOr<v1::InspectionReport> Run(const std::string& path,
                                           const std::string& rule = "") {
    return RunSandboxedInspection(path, Rule(rule), limits_, options_);
  }

  // Runs the fake inspector in `mode` and expects a refusal.
  std::string FakeRefusal(const std::string& mode) {
    options_.inspector_path = Binary("fake-inspector");
    absl::StatusOr<v1::InspectionReport> report = Run(Write(mode, mode));
    EXPECT_TRUE(report.ok()) << report.status();
    if (!report.ok()) return "";
    EXPECT_FALSE(report->accepted()) << mode;
    return report->refusal();
  }

  TempDir dir_;
  Limits limits_;
  SandboxOptions options_;
};

TEST_F(SandboxTest, ReturnsTheRealInspectorsReport) {
  const std::string path = dir_.File("report.pdf");
  testing::WritePdf(path, 10);
  absl::StatusOr<v1::InspectionReport> report =
      Run(path, "media_types: \"application/pdf\" max_pages: 8");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->accepted());
  EXPECT_EQ(report->media_type(), "application/pdf");
  EXPECT_EQ(report->page_count(), 10);
  EXPECT_EQ(report->refusal(), "has 10 pages; at most 8 pages allowed");
}

TEST_F(SandboxTest, PassesTheLimitsToTheInspector) {
  limits_.max_entries = 2;
  const std::string path = Write(
      "code.zip", testing::ZipBytes({testing::File("README"),
                                     testing::File("a"), testing::File("b")}));
  absl::StatusOr<v1::InspectionReport> report = Run(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->refusal(),
            "the archive has more than 2 entries; at most 2 allowed");
}

TEST_F(SandboxTest, KeepsANameThatLooksLikeAFlagAFileName) {
  const std::string path = Write("--rule=nonsense", "a question\n");
  absl::StatusOr<v1::InspectionReport> report = Run(path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->media_type(), "text/plain");
}

TEST_F(SandboxTest, InspectsFromManyThreadsAtOnce) {
  constexpr int kThreads = 6;
  std::vector<std::string> paths;
  for (int pages = 1; pages <= kThreads; ++pages) {
    paths.push_back(dir_.File(absl::StrCat(pages, ".pdf")));
    testing::WritePdf(paths.back(), pages);
  }
  std::vector<absl::StatusOr<v1::InspectionReport>> reports(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { reports[i] = Run(paths[i]); });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(reports[i].ok()) << reports[i].status();
    EXPECT_EQ(reports[i]->page_count(), i + 1);
  }
}

TEST_F(SandboxTest, ConfinesTheChild) {
  options_.inspector_path = Binary("fake-inspector");
  options_.memory_bytes = int64_t{300} << 20;
  options_.cpu_time = absl::Milliseconds(2500);
  // A descriptor without close-on-exec, as a careless library leaves one.
  const int leaky = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  absl::StatusOr<v1::InspectionReport> report = Run(Write("probe", "probe"));
  close(leaky);
  ASSERT_TRUE(report.ok()) << report.status();
  const auto& seen = report->warnings();
  EXPECT_THAT(seen, Contains("environment=0"));
  EXPECT_THAT(seen, Contains("fds=0,1,2"));
  EXPECT_THAT(seen, Contains("fsize=0"));
  EXPECT_THAT(seen, Contains("core=0"));
  EXPECT_THAT(seen, Contains(absl::StrCat("as=", int64_t{300} << 20)));
  EXPECT_THAT(seen, Contains("cpu=3"));
  EXPECT_THAT(seen, Contains("stdin=empty"));
}

TEST_F(SandboxTest, RefusesAFileThatTakesTooLong) {
  options_.timeout = absl::Seconds(1);
  EXPECT_EQ(FakeRefusal("sleep"),
            "the file could not be inspected within 1s; if the file opens "
            "normally on your computer, re-save it and try again, or ask the "
            "course staff");
}

TEST_F(SandboxTest, RefusesAFileThatTakesTooMuchProcessorTime) {
  options_.cpu_time = absl::Seconds(1);
  options_.timeout = absl::Seconds(60);
  EXPECT_THAT(FakeRefusal("spin"),
              StartsWith("the file could not be inspected within 1s of "
                         "processor time"));
}

TEST_F(SandboxTest, RefusesAFileThatNeedsTooMuchMemory) {
  options_.memory_bytes = int64_t{128} << 20;
  EXPECT_THAT(FakeRefusal("allocate"),
              StartsWith("inspecting the file needed more than 128 MiB of "
                         "memory"));
}

TEST_F(SandboxTest, RefusesAFileThatCrashesTheInspector) {
  EXPECT_THAT(FakeRefusal("crash"),
              StartsWith("the inspector crashed on this file (Aborted, 6)"));
}

TEST_F(SandboxTest, RefusesWhenTheReportIsNotAReport) {
  EXPECT_THAT(FakeRefusal("garbage"),
              StartsWith("the inspector's report on this file could not be "
                         "read"));
  EXPECT_THAT(FakeRefusal("flood"),
              StartsWith("inspecting the file produced more than 64 KiB of "
                         "report"));
  EXPECT_THAT(FakeRefusal("exit7"),
              StartsWith("the inspector failed on this file (exit 7)"));
}

TEST_F(SandboxTest, FailsWhenTheInspectorCannotRun) {
  options_.inspector_path = Binary("fake-inspector");
  absl::StatusOr<v1::InspectionReport> report = Run(Write("fail", "fail"));
  EXPECT_TRUE(absl::IsInternal(report.status())) << report.status();
  EXPECT_THAT(report.status().message(),
              HasSubstr("fake-inspector: cannot read the file"));

  options_.inspector_path = Binary("handin-inspect");
  EXPECT_TRUE(absl::IsInternal(Run(dir_.File("missing")).status()));
}

TEST_F(SandboxTest, FailsWhenTheInspectorIsMissing) {
  options_.inspector_path = dir_.File("no-such-inspector");
  absl::StatusOr<v1::InspectionReport> report = Run(Write("a.txt", "a\n"));
  EXPECT_TRUE(absl::IsFailedPrecondition(report.status())) << report.status();
  EXPECT_THAT(report.status().message(), HasSubstr("No such file"));
}

TEST(HandinInspect, PrintsAReportAndExitsZeroWhenItRefuses) {
  TempDir dir;
  testing::WriteFile(dir.File("a.txt"), "hello\n");
  const ::handin::testing::CommandResult result = ::handin::testing::RunCommand(
      {Binary("handin-inspect"), "--rule=media_types: \"application/pdf\"",
       dir.File("a.txt")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("refusal: \"must be PDF"));
  EXPECT_THAT(result.out, HasSubstr("media_type: \"text/plain\""));
}

TEST(HandinInspect, ExitsTwoOnBadArgumentsAndListsItsFlags) {
  EXPECT_EQ(::handin::testing::RunCommand({Binary("handin-inspect")}).exit_code,
            kInspectorExitUsage);
  EXPECT_EQ(::handin::testing::RunCommand(
                {Binary("handin-inspect"), "--rule=no such field", "/dev/null"})
                .exit_code,
            kInspectorExitUsage);
  const ::handin::testing::CommandResult help =
      ::handin::testing::RunCommand({Binary("handin-inspect"), "--help"});
  EXPECT_THAT(help.out + help.err, HasSubstr("--max_inflated_bytes"));
}

}  // namespace
}  // namespace handin::inspect
