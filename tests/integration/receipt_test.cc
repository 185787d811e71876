// Signed receipts across real processes: intake signs each receipt with the
// course key, `handin submit` saves it, and `handin receipt verify` proves
// it and the file offline with the public key alone; another file or an
// edited receipt fails.
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;

class ReceiptEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
    std::filesystem::create_directories(dir_.File("receipts"));
    std::ofstream(dir_.File("report.pdf"), std::ios::binary) << PdfBytes(8);
  }

  CommandResult Handin(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {Cluster::Binary("handin")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(
        argv, {"HANDIN_SERVER=" + cluster_.TlsAddress("intake"),
               "HANDIN_CA=" + cluster_.CaFile(),
               "HANDIN_TOKEN=" + cluster_.Token(Role::kStudent, "ari"),
               "HANDIN_COURSE=eecs598-w24",
               "HANDIN_RECEIPT_DIR=" + dir_.File("receipts"),
               "HANDIN_RECEIPT_KEY=" + cluster_.ReceiptPublicKeyFile()});
  }

  // The one receipt file in receipts/.
  std::string ReceiptPath() {
    std::string found;
    for (const auto& entry :
         std::filesystem::directory_iterator(dir_.File("receipts"))) {
      EXPECT_TRUE(found.empty()) << "more than one receipt";
      found = entry.path().string();
    }
    return found;
  }

  Cluster cluster_;
  TempDir dir_;
};

TEST_F(ReceiptEndToEndTest, ASavedReceiptProvesTheSubmissionOffline) {
  CommandResult submit = Handin(
      {"submit", "--yes", "--item", "project-report", dir_.File("report.pdf")});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr("signed receipt (key "));
  const std::string receipt = ReceiptPath();
  ASSERT_FALSE(receipt.empty());
  EXPECT_THAT(submit.out, HasSubstr(receipt));

  // Every service may be gone: the proof needs only the public key.
  cluster_.Stop("intake");
  CommandResult verify =
      Handin({"receipt", "verify", receipt, "--file", dir_.File("report.pdf")});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_THAT(verify.out,
              HasSubstr("ari submitted project-report to eecs598-w24"));
  EXPECT_THAT(verify.out, HasSubstr("report.pdf is the submitted file"));

  std::ofstream(dir_.File("other.pdf"), std::ios::binary) << PdfBytes(7);
  CommandResult wrong_file =
      Handin({"receipt", "verify", receipt, "--file", dir_.File("other.pdf")});
  EXPECT_EQ(wrong_file.exit_code, 1);
  EXPECT_THAT(wrong_file.err, HasSubstr("is NOT the submitted file"));

  absl::StatusOr<std::string> text = ReadFileToString(receipt);
  ASSERT_TRUE(text.ok());
  std::ofstream(receipt, std::ios::trunc) << absl::StrReplaceAll(
      *text, {{"principal: \"ari\"", "principal: \"arj\""}});
  CommandResult forged = Handin({"receipt", "verify", receipt});
  EXPECT_EQ(forged.exit_code, 1);
  EXPECT_THAT(forged.err, HasSubstr("does NOT verify"));
}

}  // namespace
}  // namespace handin::testing
