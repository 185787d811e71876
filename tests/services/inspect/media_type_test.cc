// Media types are judged by the bytes: names and extensions do not matter.

#include "services/inspect/media_type.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/inspect/fixtures.h"
#include "tests/testing/temp_dir.h"

namespace handin::inspect {
namespace {

using ::handin::testing::TempDir;
using testing::File;
using ::testing::HasSubstr;
using testing::WriteFile;
using testing::ZipBytes;

class SniffMediaTypeTest : public ::testing::Test {
 protected:
  // Writes `bytes` under a misleading name and sniffs it.
  MediaType Sniff(const std::string& bytes) {
    const std::string path = dir_.File("misleading-name.txt");
    WriteFile(path, bytes);
    absl::StatusOr<MediaType> type = SniffMediaType(path, Limits{});
    EXPECT_TRUE(type.ok()) << type.status();
    return type.ok() ? *type : MediaType{};
  }

  TempDir dir_;
};

TEST_F(SniffMediaTypeTest, FindsAPdfByItsBytes) {
  const std::string path = dir_.File("report.txt");
  testing::WritePdf(path, 1);
  absl::StatusOr<MediaType> type = SniffMediaType(path, Limits{});
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(type->name, kPdf);
}

TEST_F(SniffMediaTypeTest, TellsPptxAndDocxFromAPlainZip) {
  EXPECT_EQ(Sniff(ZipBytes(testing::PptxEntries())).name, kPptx);
  EXPECT_EQ(Sniff(ZipBytes(testing::DocxEntries())).name, kDocx);
  EXPECT_EQ(Sniff(ZipBytes({File("README.md"), File("main.py")})).name, kZip);
  // The parts without the content-types manifest are not an Office file.
  EXPECT_EQ(Sniff(ZipBytes({File("ppt/presentation.xml")})).name, kZip);
}

TEST_F(SniffMediaTypeTest, CallsOnlyUtf8TextPlainText) {
  EXPECT_EQ(Sniff("Dear staff,\nhere is my question.\n").name, kText);
  EXPECT_EQ(Sniff("Ünïcödé question?\n").name, kText);
  EXPECT_EQ(Sniff("def main():\n    print('hi')\n").name, kText);

  const MediaType latin1 = Sniff(
      "Une question en fran\xe7"
      "ais, s'il vous pla\xeet.\n");
  EXPECT_EQ(latin1.name, kOctetStream);
  EXPECT_THAT(latin1.detail, HasSubstr("not valid UTF-8"));
}

TEST_F(SniffMediaTypeTest, FindsBinaryAfterATextBeginning) {
  // libmagic looks at the beginning only; the whole file must be text.
  std::string bytes(2 << 20, 'a');
  bytes += std::string("\0\1\2\3", 4);
  EXPECT_NE(Sniff(bytes).name, kText);
}

TEST_F(SniffMediaTypeTest, ReportsOtherTypesAsLibmagicNamesThem) {
  EXPECT_EQ(Sniff("").name, kEmpty);
  EXPECT_EQ(Sniff(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)).name,
            "image/png");
}

TEST(SniffMediaType, FailsOnAMissingFile) {
  EXPECT_FALSE(SniffMediaType("/nonexistent/file", Limits{}).ok());
}

TEST(DescribeMediaType, NamesKnownTypesForPeople) {
  EXPECT_EQ(DescribeMediaType(kPptx),
            std::string("PPTX (") + std::string(kPptx) + ")");
  EXPECT_EQ(DescribeMediaType(kEmpty), "an empty file (inode/x-empty)");
  EXPECT_EQ(DescribeMediaType("image/png"), "image/png");
}

}  // namespace
}  // namespace handin::inspect
