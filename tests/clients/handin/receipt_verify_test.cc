// `handin receipt verify`: offline, a receipt proves itself with the
// course's public key, and proves a local file is what was submitted; a
// changed receipt, another key or another file fails, saying which.

#include "clients/handin/receipt_verify.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "clients/handin/errors.h"
#include "common/receipt_signature.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace handin::client {
namespace {

using ::testing::HasSubstr;

constexpr char kReport[] = "%PDF-1.7 an eight-page report";

class ReceiptVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.File("report.pdf"), std::ios::binary) << kReport;
    std::ofstream(dir_.File("course.pub")) << key_.PublicKeyPem();
    common::v1::ReceiptClaims claims;
    claims.set_course_id("eecs598-w24");
    claims.set_item_id("project-report");
    claims.set_principal("ari");
    claims.set_submission_id("20240501T215900Z-1");
    claims.set_sha256_hex(Sha256::Of(kReport));
    claims.set_size_bytes(sizeof(kReport) - 1);
    claims.mutable_started_at()->set_seconds(1714600740);
    claims.mutable_committed_at()->set_seconds(1714600741);
    claims.set_verdict_kind(common::v1::VERDICT_KIND_ON_TIME);
    claims.set_verdict_reason("due 2024-05-01 18:00 EDT; on time");
    absl::StatusOr<common::v1::SignedReceipt> receipt = key_.Sign(claims);
    ASSERT_TRUE(receipt.ok());
    ASSERT_TRUE(WriteReceiptFile(*receipt, receipt_path_).ok());
  }

  int Verify(const std::string& file = "",
             const std::string& key = "course.pub") {
    out_.str("");
    err_.str("");
    ReceiptVerifyOptions options;
    options.receipt_path = receipt_path_;
    options.public_key_path = dir_.File(key);
    if (!file.empty()) options.file_path = dir_.File(file);
    return RunReceiptVerify(options, Console{out_, err_});
  }

  // Rewrites the saved receipt with `from` replaced by `to`.
  void Edit(const std::string& from, const std::string& to) {
    absl::StatusOr<std::string> text = ReadFileToString(receipt_path_);
    ASSERT_TRUE(text.ok());
    ASSERT_THAT(*text, HasSubstr(from));
    std::ofstream(receipt_path_, std::ios::trunc)
        << absl::StrReplaceAll(*text, {{from, to}});
  }

  testing::TempDir dir_;
  const std::string receipt_path_ = dir_.File("receipt.txtpb");
  const ReceiptKey key_ = ReceiptKey::Generate();
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ReceiptVerifyTest, AValidReceiptSaysWhatItProves) {
  EXPECT_EQ(Verify(), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(),
              HasSubstr("valid receipt (key " + key_.key_id() +
                        "): ari submitted project-report to eecs598-w24"));
  EXPECT_THAT(out_.str(), HasSubstr("started   2024-05-01 21:59:00.000 UTC"));
  EXPECT_THAT(out_.str(), HasSubstr("VERDICT_KIND_ON_TIME"));
}

TEST_F(ReceiptVerifyTest, ItProvesTheFileWasTheOneSubmitted) {
  EXPECT_EQ(Verify("report.pdf"), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("report.pdf is the submitted file"));

  std::string changed = kReport;
  changed[3] ^= 1;  // One bit.
  std::ofstream(dir_.File("changed.pdf"), std::ios::binary) << changed;
  EXPECT_EQ(Verify("changed.pdf"), kExitServerError);
  EXPECT_THAT(err_.str(), HasSubstr("changed.pdf is NOT the submitted file"));
}

TEST_F(ReceiptVerifyTest, AnEditedReceiptDoesNotVerify) {
  Edit("VERDICT_KIND_ON_TIME", "VERDICT_KIND_LATE_COUNTED");
  EXPECT_EQ(Verify(), kExitServerError);
  EXPECT_THAT(err_.str(), HasSubstr("does NOT verify"));
}

TEST_F(ReceiptVerifyTest, AnEarlierStartDoesNotVerify) {
  Edit("seconds: 1714600740", "seconds: 1714600739");
  EXPECT_EQ(Verify(), kExitServerError);
}

TEST_F(ReceiptVerifyTest, AnotherCoursesKeyIsNamedAsSuch) {
  std::ofstream(dir_.File("other.pub"))
      << ReceiptKey::Generate().PublicKeyPem();
  EXPECT_EQ(Verify("", "other.pub"), kExitServerError);
  EXPECT_THAT(err_.str(), HasSubstr("not by this course key"));
}

TEST_F(ReceiptVerifyTest, UnreadableInputsAreLocalErrors) {
  EXPECT_EQ(Verify("", "missing.pub"), kExitLocalError);
  std::ofstream(receipt_path_, std::ios::trunc) << "not { a receipt";
  EXPECT_EQ(Verify(), kExitLocalError);
  EXPECT_THAT(err_.str(), HasSubstr("is not a handin receipt"));
}

}  // namespace
}  // namespace handin::client
