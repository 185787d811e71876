// The pure helpers: UTF-8 text, printable names, archive path safety, the
// README and required-files rules, and human-readable sizes.

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/inspect/archive_paths.h"
#include "services/inspect/byte_size.h"
#include "services/inspect/utf8.h"

namespace handin::inspect {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

bool IsUtf8Text(const std::string& bytes) {
  Utf8TextValidator validator;
  return validator.Feed(bytes) && validator.Finish();
}

TEST(Utf8TextValidator, AcceptsTextInManyScripts) {
  EXPECT_TRUE(IsUtf8Text("plain\ttext\r\nwith a form feed\f"));
  EXPECT_TRUE(IsUtf8Text("Müller, Ωmega, 漢字, 🙂"));
  EXPECT_TRUE(IsUtf8Text(""));
}

TEST(Utf8TextValidator, RejectsWhatIsNotUtf8Text) {
  EXPECT_FALSE(IsUtf8Text(std::string("nul\0byte", 8)));
  EXPECT_FALSE(IsUtf8Text("caf\xe9"));             // Latin-1
  EXPECT_FALSE(IsUtf8Text("\xc0\xaf"));            // overlong '/'
  EXPECT_FALSE(IsUtf8Text("\xed\xa0\x80"));        // a surrogate
  EXPECT_FALSE(IsUtf8Text("\xf4\x90\x80\x80"));    // past U+10FFFF
  EXPECT_FALSE(IsUtf8Text("\x1b[31mred\x1b[0m"));  // terminal escapes
  EXPECT_FALSE(IsUtf8Text("cut \xe6\xbc"));        // unfinished
}

TEST(Utf8TextValidator, AcceptsASequenceSplitAcrossPieces) {
  Utf8TextValidator validator;
  EXPECT_TRUE(validator.Feed("\xe6"));
  EXPECT_FALSE(validator.Finish());
  EXPECT_TRUE(validator.Feed("\xbc\xa2"));
  EXPECT_TRUE(validator.Finish());
}

TEST(Printable, KeepsCleanNamesAndEscapesOthers) {
  EXPECT_EQ(Printable("src/Müller.py"), "src/Müller.py");
  EXPECT_EQ(Printable("a\nb"), "a\\nb");
  EXPECT_EQ(Printable("caf\xe9"), "caf\\xe9");
}

TEST(Printable, CutsLongNamesWithoutSplittingACharacter) {
  EXPECT_THAT(Printable(std::string(300, 'x')), HasSubstr("..."));
  EXPECT_LE(Printable(std::string(300, 'x')).size(), 203u);
  // 199 ASCII bytes, then a 2-byte character cut after its first byte.
  const std::string shown = Printable(std::string(199, 'x') + "üüü");
  EXPECT_EQ(shown, std::string(199, 'x') + "...");
}

TEST(CheckEntryName, AcceptsRelativeNames) {
  EXPECT_TRUE(CheckEntryName("src/main.py", "").ok());
  EXPECT_TRUE(CheckEntryName("./README.md", "").ok());
  EXPECT_TRUE(CheckEntryName("dir/", "").ok());
  EXPECT_TRUE(CheckEntryName("notes..txt", "").ok());
}

TEST(CheckEntryName, RefusesTraversalAnywhere) {
  for (const char* name : {"../etc/passwd", "a/../../b", "a/..", "a\\..\\b"}) {
    const absl::Status status = CheckEntryName(name, "");
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << name;
    EXPECT_THAT(status.message(), HasSubstr("leaves the archive")) << name;
  }
  EXPECT_EQ(CheckEntryName("../etc/passwd", " in 'lib.zip'").message(),
            "entry '../etc/passwd' in 'lib.zip' leaves the archive: '..' is "
            "not allowed in entry names");
}

TEST(CheckEntryName, RefusesAbsoluteAndEmptyNames) {
  for (const char* name : {"/etc/passwd", "\\windows\\x", "C:evil", "c:/x"}) {
    EXPECT_THAT(CheckEntryName(name, "").message(),
                HasSubstr("has an absolute path"))
        << name;
  }
  EXPECT_THAT(CheckEntryName("./", "").message(), HasSubstr("empty name"));
}

TEST(CheckLinkTarget, AcceptsLinksThatStayInside) {
  EXPECT_TRUE(CheckLinkTarget("bin/tool", "../lib/tool", "").ok());
  EXPECT_TRUE(CheckLinkTarget("a/b/c", "../../x", "").ok());
  EXPECT_TRUE(CheckLinkTarget("link", "target", "").ok());
}

TEST(CheckLinkTarget, RefusesLinksThatLeave) {
  EXPECT_EQ(CheckLinkTarget("src/lib", "../../etc", "").message(),
            "symbolic link 'src/lib' points to '../../etc', outside the "
            "archive; links must stay inside it");
  EXPECT_FALSE(CheckLinkTarget("passwd", "/etc/passwd", "").ok());
  EXPECT_FALSE(CheckLinkTarget("a/b", "x/../../..", "").ok());
  EXPECT_FALSE(CheckLinkTarget("empty", "", "").ok());
}

void AddFile(ArchiveTree& tree, absl::string_view name) {
  EXPECT_TRUE(tree.Add(name, EntryKind::kFile, "").ok()) << name;
}

void AddDirectory(ArchiveTree& tree, absl::string_view name) {
  EXPECT_TRUE(tree.Add(name, EntryKind::kDirectory, "").ok()) << name;
}

TEST(CheckEntryName, RefusesNamesTooLongOrTooDeep) {
  EXPECT_TRUE(CheckEntryName(std::string(kMaxEntryNameBytes, 'a'), "").ok());
  EXPECT_THAT(
      CheckEntryName(std::string(kMaxEntryNameBytes + 1, 'a'), "").message(),
      HasSubstr("has a name longer than 1024 bytes or deeper than 64"));
  std::string deep;
  for (size_t i = 0; i <= kMaxEntryNameDepth; ++i) deep += "d/";
  EXPECT_FALSE(CheckEntryName(deep, "").ok());
}

TEST(ArchiveTree, RefusesAnEntryInsideALink) {
  // "a/up" is the root; "a/up/out" would then point one level above it.
  ArchiveTree tree;
  ASSERT_TRUE(tree.Add("a/up", EntryKind::kLink, "").ok());
  EXPECT_EQ(tree.Add("a/up/out", EntryKind::kLink, "").message(),
            "entry 'a/up/out' lies inside the symbolic link 'a/up'; links "
            "may not be used as directories");
}

TEST(ArchiveTree, RefusesALinkOverADirectoryWithEntries) {
  ArchiveTree tree;
  AddFile(tree, "lib/a.c");
  EXPECT_THAT(tree.Add("lib", EntryKind::kLink, " in 'x.zip'").message(),
              HasSubstr("symbolic link 'lib' in 'x.zip' is also a directory"));
  EXPECT_TRUE(tree.Add("bin/tool", EntryKind::kLink, "").ok());
}

TEST(ArchiveTree, FindsReadmeAtTheRootInAnyCaseAndExtension) {
  for (const char* name : {"README", "readme.md", "ReadMe.TXT", "README.rst"}) {
    ArchiveTree tree;
    AddFile(tree, "src/main.c");
    AddFile(tree, name);
    EXPECT_TRUE(tree.HasReadme()) << name;
  }
}

TEST(ArchiveTree, FindsReadmeInTheSoleTopLevelDirectory) {
  ArchiveTree tree;
  AddFile(tree, "project/README.md");
  AddFile(tree, "project/src/main.c");
  AddFile(tree, "__MACOSX/project/._README.md");
  EXPECT_EQ(tree.SoleTopDirectory(), "project");
  EXPECT_TRUE(tree.HasReadme());
}

TEST(ArchiveTree, IgnoresReadmeDeeperOrBesideOtherTopLevelEntries) {
  ArchiveTree deeper;
  AddFile(deeper, "project/docs/README.md");
  EXPECT_FALSE(deeper.HasReadme());

  ArchiveTree two_tops;
  AddFile(two_tops, "project/README.md");
  AddFile(two_tops, "other/main.c");
  EXPECT_EQ(two_tops.SoleTopDirectory(), "");
  EXPECT_FALSE(two_tops.HasReadme());

  ArchiveTree not_a_file;
  AddDirectory(not_a_file, "README/");
  AddFile(not_a_file, "READMEFIRST");
  EXPECT_FALSE(not_a_file.HasReadme());
}

TEST(ArchiveTree, ReportsMissingRequiredFilesInOrder) {
  ArchiveTree tree;
  AddFile(tree, "proj/Makefile");
  AddFile(tree, "proj/src/main.py");
  EXPECT_THAT(tree.Missing({"Makefile", "src/main.py", "src"}), IsEmpty());
  EXPECT_THAT(tree.Missing({"makefile", "test.py", "src/main.py"}),
              ElementsAre("makefile", "test.py"));
  EXPECT_THAT(tree.TopLevelSample(5), ElementsAre("proj/"));
}

TEST(HumanBytes, UsesBinaryUnitsRoundedUp) {
  EXPECT_EQ(HumanBytes(1), "1 byte");
  EXPECT_EQ(HumanBytes(512), "512 bytes");
  EXPECT_EQ(HumanBytes(64 << 10), "64 KiB");
  EXPECT_EQ(HumanBytes((int64_t{3} << 20) / 2), "1.5 MiB");
  EXPECT_EQ(HumanBytes(int64_t{1} << 30), "1 GiB");
  EXPECT_EQ(HumanBytes((int64_t{200} << 20) + 1), "200.1 MiB");
}

}  // namespace
}  // namespace handin::inspect
