// The staff dashboard end to end: the real services and gateway, a
// submission made with the real student CLI, then the dashboard in
// headless chromium (dashboard_test.mjs) with a grader token: it finds the
// submission with its verdict, records a score and sees the total change.
// The score it recorded is then read back from grading directly.
//
// Screenshots go to $HANDIN_SCREENSHOT_DIR when it is set, else to a
// temporary directory; HANDIN_SCREENSHOT_DIR=docs refreshes
// docs/dashboard.png.
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "tests/integration/cluster.h"
#include "tests/services/gateway/gateway_process.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {
namespace {

// Ari presents on Jan 25 (with Jack and Vishwa): the deck is owed by the
// group, and a late deck is accepted, flagged and counted.
constexpr char kItem[] = "slides/2024-01-25";
constexpr char kStudent[] = "ari";

// The value of `label` in the receipt the CLI printed ("  verdict    late,
// counted"), or "".
std::string ReceiptField(const std::string& receipt, absl::string_view label) {
  for (absl::string_view line : absl::StrSplit(receipt, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, label) && !line.empty() &&
        line.front() == ' ') {
      return std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return "";
}

TEST(DashboardInBrowser, GraderSeesTheSubmissionScoresItAndTheTotalChanges) {
  Cluster cluster;
  absl::Status started = cluster.Start();
  ASSERT_TRUE(started.ok()) << started;
  auto gateway =
      GatewayProcess::Start(cluster, {"--static_dir=" HANDIN_DASHBOARD_DIR});
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  TempDir dir;
  const std::string deck = dir.File("ari-deck.pdf");
  std::ofstream(deck, std::ios::binary) << PdfBytes(3);
  CommandResult submit =
      RunCommand({Cluster::Binary("handin"), "submit", "--yes", "--item", kItem,
                  deck, "--receipt-dir", dir.path()},
                 {"HANDIN_SERVER=" + cluster.TlsAddress("intake"),
                  "HANDIN_CA=" + cluster.CaFile(),
                  "HANDIN_TOKEN=" + cluster.Token(Role::kStudent, kStudent),
                  "HANDIN_COURSE=eecs598-w24"});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  const std::string submission_id = ReceiptField(submit.out, "submission");
  const std::string verdict = ReceiptField(submit.out, "verdict");
  ASSERT_FALSE(submission_id.empty()) << submit.out;
  ASSERT_EQ(verdict, "late, counted") << submit.out;
  // The rest of the group uploads too (the group's latest is graded), and
  // one upload is refused for its content: the timeline and the refused
  // attempts have something to show.
  intake::v1::UploadResponse response;
  for (const char* member : {"jack", "vishwa"}) {
    ASSERT_TRUE(UploadDirect(cluster, member, kItem, PdfBytes(4),
                             std::string("deck-") + member, &response)
                    .ok());
  }
  EXPECT_EQ(UploadDirect(cluster, "jack", kItem, "not a slide deck",
                         "not-a-deck", &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const char* screenshots = std::getenv("HANDIN_SCREENSHOT_DIR");
  CommandResult browser = RunCommand(
      {HANDIN_NODE_BINARY,
       HANDIN_SOURCE_DIR "/tests/browser/dashboard_test.mjs"},
      {"HANDIN_DASHBOARD_URL=" + (*gateway)->Url() + "/",
       "HANDIN_GRADER_TOKEN=" + cluster.Token(Role::kGrader, "amberljc"),
       "HANDIN_ITEM=" + std::string(kItem),
       "HANDIN_SUBMISSION_ID=" + submission_id,
       "HANDIN_STUDENT=" + std::string(kStudent), "HANDIN_VERDICT=" + verdict,
       "HANDIN_PLAYWRIGHT_DIR=" HANDIN_PLAYWRIGHT_DIR,
       "HANDIN_SCREENSHOT_DIR=" +
           std::string(screenshots != nullptr ? screenshots : dir.path())},
      absl::Seconds(50));
  EXPECT_EQ(browser.exit_code, 0)
      << browser.out << browser.err << "\ngateway log:\n"
      << (*gateway)->LogTail();

  // What the browser recorded is what grading holds, as the grader.
  auto grading = grading::v1::GradingService::NewStub(
      cluster.Channel("grading", cluster.Token(Role::kGrader, "amberljc")));
  grading::v1::ListScoresRequest request;
  request.set_course_id("eecs598-w24");
  request.set_item_id(kItem);
  grading::v1::ListScoresResponse scores;
  grpc::ClientContext context;
  const grpc::Status listed = grading->ListScores(&context, request, &scores);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(scores.scores_size(), 1);
  EXPECT_EQ(scores.scores(0).points(), 9);
  EXPECT_EQ(scores.scores(0).max_points(), 10);
  EXPECT_EQ(scores.scores(0).comment(), "clear slides");
  EXPECT_EQ(scores.scores(0).grader(), "amberljc");
}

}  // namespace
}  // namespace handin::testing
