// Inspect on zip archives: names and links, decompression bombs, nesting,
// README and required files. Every archive is built at test time.

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/inspect/file_budget.h"
#include "tests/services/inspect/fixtures.h"
#include "tests/services/inspect/inspect_test_util.h"

namespace handin::inspect {
namespace {

using testing::Directory;
using testing::File;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::Symlink;
using testing::ZipBytes;
using testing::ZipEntry;

constexpr char kCodeRule[] =
    "media_types: \"application/zip\" require_readme: true";

ZipEntry Zeros(const std::string& name, int64_t bytes) {
  ZipEntry entry = File(name, "");
  entry.zero_bytes = bytes;
  return entry;
}

ZipEntry Nested(const std::string& name, const std::vector<ZipEntry>& inner) {
  return File(name, ZipBytes(inner));
}

// Overwrites every 4-byte uncompressed size field of `zip` with 1, in the
// local headers, data descriptors and central directory.
std::string ForgeDeclaredSizes(std::string zip) {
  const std::pair<std::string, size_t> kSizeFields[] = {
      {std::string("PK\x03\x04", 4), 22},
      {std::string("PK\x07\x08", 4), 12},
      {std::string("PK\x01\x02", 4), 24}};
  for (const auto& [signature, offset] : kSizeFields) {
    for (size_t at = zip.find(signature); at != std::string::npos;
         at = zip.find(signature, at + 4)) {
      zip.replace(at + offset, 4, std::string("\x01\0\0\0", 4));
    }
  }
  return zip;
}

class ArchiveTest : public testing::InspectTest {
 protected:
  v1::InspectionReport InspectZip(const std::vector<ZipEntry>& entries,
                                  const std::string& rule = kCodeRule) {
    return InspectBytes(ZipBytes(entries), rule);
  }
};

TEST_F(ArchiveTest, AcceptsACodeZipWithAReadmeAndCountsWhatItInflated) {
  const v1::InspectionReport report =
      InspectZip({File("README.md", "build: make"), Directory("src/"),
                  File("src/main.c", std::string(1000, 'c'))});
  EXPECT_TRUE(report.accepted()) << report.refusal();
  EXPECT_EQ(report.media_type(), "application/zip");
  EXPECT_EQ(report.archive().entries(), 3);
  EXPECT_EQ(report.archive().inflated_bytes(), 1011);
  EXPECT_EQ(report.archive().nested_archives(), 0);
}

TEST_F(ArchiveTest, AcceptsAReadmeInsideTheSoleTopLevelDirectory) {
  EXPECT_TRUE(
      InspectZip({File("project/readme.txt"), File("project/src/main.py")})
          .accepted());
}

TEST_F(ArchiveTest, RefusesAZipWithoutAReadmeNamingWhatItFound) {
  const v1::InspectionReport report =
      InspectZip({File("main.py"), File("docs/README.md")});
  EXPECT_FALSE(report.accepted());
  EXPECT_EQ(report.refusal(),
            "the zip has no README at its root (a file named README or "
            "README.<ext>, any letter case); found at its root: 'docs/', "
            "'main.py'");
  EXPECT_TRUE(InspectZip({File("main.py")}, "media_types: \"application/zip\"")
                  .accepted());
}

TEST_F(ArchiveTest, RefusesAnEntryThatLeavesTheArchive) {
  const v1::InspectionReport report =
      InspectZip({File("README"), File("../etc/passwd")});
  EXPECT_FALSE(report.accepted());
  EXPECT_EQ(report.refusal(),
            "entry '../etc/passwd' leaves the archive: '..' is not allowed "
            "in entry names");
}

TEST_F(ArchiveTest, RefusesAnAbsolutePath) {
  EXPECT_THAT(InspectZip({File("README"), File("/etc/cron.d/job")}).refusal(),
              HasSubstr("has an absolute path"));
}

TEST_F(ArchiveTest, RefusesASymlinkOutOfTheTreeButNotOneInside) {
  EXPECT_EQ(
      InspectZip({File("README"), Symlink("src/lib", "../../etc")}).refusal(),
      "symbolic link 'src/lib' points to '../../etc', outside the "
      "archive; links must stay inside it");
  EXPECT_TRUE(InspectZip({File("README"), File("lib/a.so"),
                          Symlink("bin/a.so", "../lib/a.so")})
                  .accepted());
}

TEST_F(ArchiveTest, RefusesALinkReachedThroughAnotherLink) {
  // Each target alone stays inside; extracted, "up/out" is "../x".
  EXPECT_THAT(InspectZip({File("README"), Symlink("a/up", ".."),
                          Symlink("a/up/out", "../x")})
                  .refusal(),
              HasSubstr("lies inside the symbolic link 'a/up'"));
}

TEST_F(ArchiveTest, RefusesABombByItsInflationRatio) {
  const v1::InspectionReport report =
      InspectZip({File("README"), Zeros("zeros.bin", 64 << 20)});
  EXPECT_FALSE(report.accepted());
  EXPECT_THAT(report.refusal(),
              StartsWith("the archive inflates to more than 100 times its "
                         "size"));
  EXPECT_THAT(report.refusal(), HasSubstr("decompression bomb"));
}

TEST_F(ArchiveTest, RefusesABombByItsInflatedBytes) {
  limits_.max_inflation_ratio = 0;
  limits_.max_inflated_bytes = 16 << 20;
  EXPECT_EQ(
      InspectZip({File("README"), Zeros("zeros.bin", 64 << 20)}).refusal(),
      "the archive inflates past 16 MiB, the most allowed");
}

TEST_F(ArchiveTest, CountsBytesAsInflatedNotAsDeclared) {
  limits_.max_inflation_ratio = 0;
  limits_.max_inflated_bytes = 16 << 20;
  const v1::InspectionReport report = InspectBytes(
      ForgeDeclaredSizes(
          ZipBytes({File("README"), Zeros("zeros.bin", 64 << 20)})),
      kCodeRule);
  EXPECT_EQ(report.refusal(),
            "the archive inflates past 16 MiB, the most allowed");
}

TEST_F(ArchiveTest, FileBudgetLetsALargeHonestArchiveThrough) {
  // Incompressible content: the archive inflates to about its own size,
  // past a service floor set low here to stand for 1 GiB.
  std::mt19937_64 random(598);
  std::string noise(256 << 10, '\0');
  for (char& byte : noise) byte = static_cast<char>(random());
  const std::string zip = ZipBytes({File("README"), File("data.bin", noise)});
  limits_.max_inflated_bytes = 64 << 10;
  EXPECT_EQ(InspectBytes(zip, kCodeRule).refusal(),
            "the archive inflates past 64 KiB, the most allowed");

  limits_ =
      BudgetForFile(limits_, SandboxOptions(), static_cast<int64_t>(zip.size()))
          .limits;
  const v1::InspectionReport report = InspectBytes(zip, kCodeRule);
  EXPECT_TRUE(report.accepted()) << report.refusal();
}

TEST_F(ArchiveTest, AcceptsATinyHighlyCompressibleFile) {
  // Far past the ratio, but below the size where the ratio applies.
  const v1::InspectionReport report =
      InspectZip({File("README"), Zeros("empty.log", 1 << 20)});
  EXPECT_TRUE(report.accepted()) << report.refusal();
  EXPECT_EQ(report.archive().inflated_bytes(), (1 << 20) + 1);
}

TEST_F(ArchiveTest, RefusesTooManyEntries) {
  limits_.max_entries = 5;
  std::vector<ZipEntry> entries = {File("README")};
  for (int i = 0; i < 5; ++i) entries.push_back(File(absl::StrCat(i, ".c")));
  EXPECT_EQ(InspectZip(entries).refusal(),
            "the archive has more than 5 entries; at most 5 allowed");
  entries.pop_back();
  EXPECT_TRUE(InspectZip(entries).accepted());
}

TEST_F(ArchiveTest, InspectsAZipInsideTheZip) {
  const v1::InspectionReport report = InspectZip(
      {File("README"), Nested("vendor/lib.zip", {File("lib/a.c", "int a;")})});
  EXPECT_TRUE(report.accepted()) << report.refusal();
  EXPECT_EQ(report.archive().nested_archives(), 1);
  EXPECT_EQ(report.archive().entries(), 3);
}

TEST_F(ArchiveTest, RefusesTraversalInsideANestedZip) {
  EXPECT_EQ(InspectZip({File("README"),
                        Nested("vendor/lib.zip", {File("../../evil")})})
                .refusal(),
            "entry '../../evil' in 'vendor/lib.zip' leaves the archive: '..' "
            "is not allowed in entry names");
}

TEST_F(ArchiveTest, RefusesABombInsideANestedZip) {
  EXPECT_THAT(InspectZip({File("README"),
                          Nested("data.bin", {Zeros("zeros", 64 << 20)})})
                  .refusal(),
              HasSubstr("decompression bomb"));
}

TEST_F(ArchiveTest, RefusesAThirdLevelOfNesting) {
  const v1::InspectionReport report = InspectZip(
      {File("README"), Nested("a.zip", {Nested("b.zip", {File("deep.txt")})})});
  EXPECT_FALSE(report.accepted());
  EXPECT_EQ(report.refusal(),
            "entry 'b.zip' in 'a.zip' is a zip nested 2 levels deep; "
            "archives may be nested at most 1 level(s) deep");
}

TEST_F(ArchiveTest, RefusesAZipItCannotRead) {
  const std::string zip = ZipBytes({File("README"), File("main.c")});
  const v1::InspectionReport report =
      InspectBytes(zip.substr(0, zip.size() / 2), kCodeRule);
  EXPECT_EQ(report.media_type(), "application/zip");
  EXPECT_THAT(report.refusal(),
              StartsWith("the zip archive could not be read"));
}

TEST_F(ArchiveTest, RefusesAnEncryptedEntry) {
  const v1::InspectionReport report = InspectBytes(
      ZipBytes({File("README", "secret")}, "passphrase"), kCodeRule);
  EXPECT_EQ(report.refusal(),
            "entry 'README' is encrypted; upload a zip without a password");
}

TEST_F(ArchiveTest, ChecksRequiredFilesAtTheRootOrInTheSoleDirectory) {
  const std::string rule =
      "media_types: \"application/zip\" required_files: [\"Makefile\", "
      "\"src/main.py\"]";
  EXPECT_TRUE(
      InspectZip({File("Makefile"), File("src/main.py")}, rule).accepted());
  EXPECT_TRUE(
      InspectZip({File("p/Makefile"), File("p/src/main.py")}, rule).accepted());
  EXPECT_EQ(InspectZip({File("makefile"), File("src/main.c")}, rule).refusal(),
            "the zip lacks required files 'Makefile', 'src/main.py' (paths "
            "from its root or its sole top-level folder)");
}

TEST_F(ArchiveTest, TellsOfficeFilesFromZipsButWalksThemToo) {
  const std::string pptx =
      "media_types: \"application/"
      "vnd.openxmlformats-officedocument.presentationml.presentation\"";
  v1::InspectionReport report = InspectZip(testing::PptxEntries(), pptx);
  EXPECT_TRUE(report.accepted()) << report.refusal();
  EXPECT_EQ(report.archive().entries(), 4);

  std::vector<ZipEntry> bomb = testing::PptxEntries();
  bomb.push_back(Zeros("ppt/media/image1.png", 64 << 20));
  EXPECT_THAT(InspectZip(bomb, pptx).refusal(),
              HasSubstr("decompression bomb"));
  EXPECT_THAT(InspectZip(testing::DocxEntries(), kCodeRule).refusal(),
              HasSubstr("this file is DOCX"));
}

}  // namespace
}  // namespace handin::inspect
