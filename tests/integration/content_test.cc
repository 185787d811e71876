// Content checks across real processes: the reference course's
// project-proposal takes at most 2 pages, so `handin submit` of a 3-page PDF
// is refused (and shows in `handin status` as a refused attempt), and a
// 2-page PDF is accepted. handin-intake finds handin-inspect beside itself.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"
#include "tests/services/inspect/fixtures.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ContentEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  CommandResult Handin(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {Cluster::Binary("handin")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv,
                      {"HANDIN_SERVER=" + cluster_.TlsAddress("intake"),
                       "HANDIN_CA=" + cluster_.CaFile(),
                       "HANDIN_TOKEN=" + cluster_.Token(Role::kStudent, "ari"),
                       "HANDIN_COURSE=eecs598-w24",
                       "HANDIN_RECEIPT_DIR=" + dir_.File("receipts")});
  }

  // A PDF of `pages` blank pages, written into the test's directory.
  std::string Pdf(int pages) {
    const std::string path =
        dir_.File("proposal-" + std::to_string(pages) + ".pdf");
    inspect::testing::WritePdf(path, pages);
    return path;
  }

  Cluster cluster_;
  TempDir dir_;
};

TEST_F(ContentEndToEndTest, ALongProposalIsRefusedAndATwoPageOneAccepted) {
  CommandResult refused =
      Handin({"submit", "--yes", "--item", "project-proposal", Pdf(3)});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err,
              HasSubstr("project-proposal: has 3 pages; at most 2 pages "
                        "allowed"));

  CommandResult status = Handin({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("Refused attempts"));
  EXPECT_THAT(status.out, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(status.out, HasSubstr("has 3 pages; at most 2 pages allowed"));

  CommandResult accepted =
      Handin({"submit", "--yes", "--item", "project-proposal", Pdf(2)});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err << "\n"
                                   << cluster_.LogTail("intake");
  EXPECT_THAT(accepted.out, HasSubstr("content    application/pdf"));
  EXPECT_THAT(accepted.out, Not(HasSubstr("warning")));
}

}  // namespace
}  // namespace handin::testing
