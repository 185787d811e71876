// RFC 4180 output that spreadsheets open cleanly: CRLF, quoting, UTF-8 with
// a byte-order mark, no formulas from text.
#include "services/grading/csv.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handin::grading {
namespace {

using ::handin::deadline::v1::GradingComponent;
using ::handin::grading::v1::StudentGrades;
using ::testing::ElementsAre;

TEST(CsvField, PlainTextIsLeftAsIs) {
  EXPECT_EQ(CsvField("ari"), "ari");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("Zoë Łukasiewicz"), "Zoë Łukasiewicz");
}

TEST(CsvField, SeparatorsQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(CsvField("Chowdhury, Mosharaf"), "\"Chowdhury, Mosharaf\"");
  EXPECT_EQ(CsvField("the \"best\" deck"), "\"the \"\"best\"\" deck\"");
  EXPECT_EQ(CsvField("two\r\nlines"), "\"two\r\nlines\"");
  EXPECT_EQ(CsvField("lf\nonly"), "\"lf\nonly\"");
  EXPECT_EQ(CsvField(" padded "), "\" padded \"");
}

TEST(SpreadsheetText, TextThatLooksLikeAFormulaIsMadeText) {
  EXPECT_EQ(SpreadsheetText("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
  EXPECT_EQ(SpreadsheetText("+1"), "'+1");
  EXPECT_EQ(SpreadsheetText("-2"), "'-2");
  EXPECT_EQ(SpreadsheetText("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(SpreadsheetText("ari"), "ari");
}

TEST(CsvRecord, EndsWithCrLf) {
  EXPECT_EQ(CsvRecord({"a", "b,c", ""}), "a,\"b,c\",\r\n");
}

TEST(GradebookCsv, HasAHeaderAndARowPerStudentWithTwoDecimals) {
  std::vector<GradingComponent> components(2);
  components[0].set_title("Paper Presentation");
  components[0].set_weight_percent(15);
  components[1].set_title("Participation");
  components[1].set_weight_percent(10);
  std::vector<StudentGrades> rows(2);
  rows[0].set_student("ari");
  rows[0].set_display_name("Ari, Jr.");
  auto* presentation = rows[0].add_components();
  presentation->set_graded(true);
  presentation->set_points(13.5);
  auto* participation = rows[0].add_components();
  participation->mutable_attendance()->set_absences(3);
  rows[0].set_bonus_points(1);
  rows[0].set_total_points(14.5);
  rows[0].set_graded_weight_percent(15);
  rows[0].add_missing_item_ids("question/2024-01-25");
  rows[0].add_missing_item_ids("summary/2024-01-18");
  rows[1].set_student("zoe");
  rows[1].set_display_name("Zoë");
  rows[1].add_components();
  rows[1].add_components();

  const std::string csv = GradebookCsv(components, rows);
  ASSERT_TRUE(absl::StartsWith(csv, kUtf8ByteOrderMark));
  const std::vector<std::string> lines =
      absl::StrSplit(csv.substr(sizeof(kUtf8ByteOrderMark) - 1), "\r\n");
  EXPECT_THAT(
      lines,
      ElementsAre(
          "student,name,Paper Presentation (15%),Participation (10%),absences,"
          "bonus,total,graded weight (%),missing",
          "ari,\"Ari, Jr.\",13.50,,3,1.00,14.50,15.00,"
          "question/2024-01-25; summary/2024-01-18",
          "zoe,Zoë,,,0,0.00,0.00,0.00,", ""));
  // No bare LF anywhere: every line break is CRLF.
  for (size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '\n') EXPECT_EQ(csv[i - 1], '\r') << "at " << i;
  }
}

}  // namespace
}  // namespace handin::grading
