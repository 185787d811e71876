// Inspect: size, media type and PDF page rules, and its errors.

#include "services/inspect/inspector.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/inspect/fixtures.h"
#include "tests/services/inspect/inspect_test_util.h"

namespace handin::inspect {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::InspectTest;
using ::testing::IsEmpty;
using testing::Rule;

constexpr char kPdfOnly[] = "media_types: \"application/pdf\"";

class InspectPdfTest : public InspectTest {
 protected:
  v1::InspectionReport InspectPdf(int pages, const std::string& rule_text) {
    const std::string path = dir_.File("report.pdf");
    testing::WritePdf(path, pages);
    return InspectPath(path, rule_text);
  }
};

TEST_F(InspectTest, AcceptsAnyTypeWhenTheRuleNamesNoneButReportsIt) {
  const v1::InspectionReport report = InspectBytes("my question\n");
  EXPECT_TRUE(report.accepted());
  EXPECT_EQ(report.refusal(), "");
  EXPECT_EQ(report.media_type(), "text/plain");
  EXPECT_EQ(report.size_bytes(), 12);
  EXPECT_FALSE(report.has_page_count());
}

TEST_F(InspectTest, RefusesAnotherTypeNamingWhatWasFoundAndExpected) {
  const v1::InspectionReport report =
      InspectBytes(testing::ZipBytes({testing::File("report.pdf")}), kPdfOnly);
  EXPECT_FALSE(report.accepted());
  EXPECT_EQ(report.media_type(), "application/zip");
  EXPECT_EQ(report.refusal(),
            "must be PDF (application/pdf); this file is ZIP "
            "(application/zip)");
}

TEST_F(InspectTest, RefusesRandomBytesNamedLikeAPdf) {
  std::string bytes;
  for (int i = 0; i < 3000; ++i) bytes += static_cast<char>((i * 7919) % 251);
  const v1::InspectionReport report = InspectBytes(bytes, kPdfOnly);
  EXPECT_FALSE(report.accepted());
  EXPECT_THAT(report.refusal(), HasSubstr("this file is application/"));
}

TEST_F(InspectTest, NamesEveryAcceptedTypeInARefusal) {
  const v1::InspectionReport report = InspectBytes(
      "notes\n",
      "media_types: [\"application/pdf\", "
      "\"application/"
      "vnd.openxmlformats-officedocument.presentationml.presentation\"]");
  EXPECT_THAT(report.refusal(),
              HasSubstr("must be PDF (application/pdf) or PPTX ("));
}

TEST_F(InspectTest, RefusesAFileOverTheItemsSizeLimit) {
  const v1::InspectionReport report =
      InspectBytes(std::string(101, 'a'), "max_size_bytes: 100");
  EXPECT_FALSE(report.accepted());
  EXPECT_EQ(report.refusal(),
            "this file is 101 bytes; at most 100 bytes allowed");
  EXPECT_TRUE(
      InspectBytes(std::string(100, 'a'), "max_size_bytes: 100").accepted());
}

TEST_F(InspectTest, HoldsEveryItemToTheServiceWideSizeLimit) {
  limits_.max_file_bytes = 10;
  EXPECT_EQ(InspectBytes(std::string(11, 'a')).refusal(),
            "this file is 11 bytes; at most 10 bytes allowed");
  EXPECT_EQ(
      InspectBytes(std::string(11, 'a'), "max_size_bytes: 1000").refusal(),
      "this file is 11 bytes; at most 10 bytes allowed");
}

TEST_F(InspectPdfTest, CountsPagesWithinTheLimits) {
  const v1::InspectionReport report =
      InspectPdf(8, "media_types: \"application/pdf\" max_pages: 8");
  EXPECT_TRUE(report.accepted()) << report.refusal();
  EXPECT_EQ(report.media_type(), "application/pdf");
  EXPECT_EQ(report.page_count(), 8);
  EXPECT_THAT(report.warnings(), IsEmpty());
}

TEST_F(InspectPdfTest, RefusesTooManyPagesByDefault) {
  const v1::InspectionReport report =
      InspectPdf(10, "media_types: \"application/pdf\" max_pages: 8");
  EXPECT_FALSE(report.accepted());
  EXPECT_EQ(report.page_count(), 10);
  EXPECT_EQ(report.refusal(), "has 10 pages; at most 8 pages allowed");
}

TEST_F(InspectPdfTest, RefusesTooFewPagesAndNamesAnExactCount) {
  EXPECT_EQ(InspectPdf(1, "min_pages: 2").refusal(),
            "has 1 page; at least 2 pages required");
  EXPECT_EQ(InspectPdf(1, "min_pages: 2 max_pages: 2").refusal(),
            "has 1 page; exactly 2 pages required");
}

TEST_F(InspectPdfTest, FlagsPagesOutsideTheRangeWhenThePolicySaysSo) {
  const v1::InspectionReport report = InspectPdf(
      4, "min_pages: 2 max_pages: 3 page_limit_action: PAGE_LIMIT_ACTION_FLAG");
  EXPECT_TRUE(report.accepted());
  EXPECT_EQ(report.page_count(), 4);
  EXPECT_THAT(report.warnings(),
              ElementsAre("has 4 pages; 2 to 3 pages allowed"));
  EXPECT_TRUE(InspectPdf(3,
                         "min_pages: 2 max_pages: 3 page_limit_action: "
                         "PAGE_LIMIT_ACTION_REFUSE")
                  .accepted());
}

TEST_F(InspectPdfTest, RefusesAPdfThatNeedsAPassword) {
  const std::string path = dir_.File("locked.pdf");
  testing::WritePdf(path, 2, "secret", "owner");
  const v1::InspectionReport report = InspectPath(path, kPdfOnly);
  EXPECT_FALSE(report.accepted());
  EXPECT_EQ(report.refusal(),
            "the PDF is password-protected; upload it without a password");
}

TEST_F(InspectPdfTest, CountsAPdfRestrictedOnlyByAnOwnerPassword) {
  const std::string path = dir_.File("restricted.pdf");
  testing::WritePdf(path, 2, "", "owner");
  const v1::InspectionReport report = InspectPath(path, kPdfOnly);
  EXPECT_TRUE(report.accepted()) << report.refusal();
  EXPECT_EQ(report.page_count(), 2);
}

TEST_F(InspectPdfTest, RefusesATruncatedPdf) {
  const v1::InspectionReport report =
      InspectBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog", kPdfOnly);
  EXPECT_EQ(report.media_type(), "application/pdf");
  EXPECT_FALSE(report.accepted());
  EXPECT_THAT(report.refusal(), HasSubstr("the PDF could not be read"));
  EXPECT_FALSE(report.has_page_count());
}

TEST(Inspect, FailsOnlyWhenTheFileCannotBeInspected) {
  EXPECT_TRUE(
      absl::IsNotFound(Inspect("/nonexistent/upload", Rule("")).status()));
  ::handin::testing::TempDir dir;
  EXPECT_TRUE(
      absl::IsFailedPrecondition(Inspect(dir.path(), Rule("")).status()));
}

}  // namespace
}  // namespace handin::inspect
