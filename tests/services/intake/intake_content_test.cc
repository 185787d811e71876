// Intake enforces the item's content rule before the commit: the declared
// size at metadata time, then the real handin-inspect on a spooled copy.
// Every PDF and zip is built at test time with the inspector tests' helpers.

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/tls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/inspect/fixtures.h"
#include "tests/services/intake/content_upload.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/services/intake/upload_messages.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kProposal[] = "project-proposal";
constexpr absl::Duration kWait = absl::Seconds(10);

class IntakeContentTest : public ::testing::Test {
 protected:
  explicit IntakeContentTest(std::string inspector = "")
      : harness_(Options(inspector)) {}

  void SetUp() override {
    const absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  intake::IntakeOptions Options(const std::string& inspector) {
    intake::IntakeOptions options = ContentOptions(dir_.File("spool"));
    if (!inspector.empty()) options.inspector_path = inspector;
    return options;
  }

  void SetRule(const std::string& text) {
    harness_.deadline().SetContentRule(ContentRuleFrom(text));
  }

  // The bytes of a PDF of `pages` blank pages.
  std::string Pdf(int pages) {
    const std::string path = dir_.File("made.pdf");
    inspect::testing::WritePdf(path, pages);
    absl::StatusOr<std::string> bytes = ReadFileToString(path);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    return bytes.value_or("");
  }

  UploadResult Upload(const std::string& content,
                      const std::string& item = kProposal) {
    return SendUpload(harness_, WholeUpload(content, item), "alice");
  }

  std::vector<std::string> Spooled() { return FilesIn(dir_.File("spool")); }

  TempDir dir_;
  IntakeHarness harness_;
};

TEST_F(IntakeContentTest, APdfWithTooManyPagesIsRefusedRecordedAndNotStored) {
  SetRule(R"pb(media_types: "application/pdf" max_pages: 2)pb");
  const UploadResult result = Upload(Pdf(3));

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(),
            "project-proposal: has 3 pages; at most 2 pages allowed");
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].code(), "INVALID_ARGUMENT");
  EXPECT_THAT(harness_.storage().refusals()[0].reason(),
              HasSubstr("has 3 pages"));
  EXPECT_THAT(Spooled(), IsEmpty());
}

TEST_F(IntakeContentTest, AFlaggedPageCountIsStoredWithItsWarning) {
  SetRule(R"pb(media_types: "application/pdf"
               max_pages: 8
               page_limit_action: PAGE_LIMIT_ACTION_FLAG)pb");
  const UploadResult result = Upload(Pdf(10), "project-report");

  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response.submission().media_type(), "application/pdf");
  EXPECT_THAT(result.response.submission().content_warnings(),
              ElementsAre(HasSubstr("has 10 pages; at most 8 pages")));
  ASSERT_THAT(harness_.storage().committed(), SizeIs(1));
  EXPECT_THAT(harness_.storage().committed()[0].content_warnings(), SizeIs(1));
  EXPECT_THAT(Spooled(), IsEmpty());
}

TEST_F(IntakeContentTest, AnAcceptedFileCarriesItsMediaTypeAndNoWarning) {
  SetRule(R"pb(media_types: "application/pdf" max_pages: 2)pb");
  const UploadResult result = Upload(Pdf(2));

  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response.submission().media_type(), "application/pdf");
  EXPECT_THAT(result.response.submission().content_warnings(), IsEmpty());
  EXPECT_THAT(harness_.storage().committed(), SizeIs(1));
}

TEST_F(IntakeContentTest, AZipWithoutAReadmeIsRefused) {
  SetRule(R"pb(media_types: "application/zip" require_readme: true)pb");
  const UploadResult result =
      Upload(inspect::testing::ZipBytes({inspect::testing::File("main.py")}),
             "project-code");

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("project-code: the zip has no README"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  EXPECT_THAT(harness_.storage().refusals(), SizeIs(1));
}

TEST_F(IntakeContentTest, AFileOfTheWrongMediaTypeIsRefusedWhateverItsName) {
  SetRule(R"pb(media_types: "application/pdf")pb");
  // Metadata() names it report.pdf; the bytes are a zip.
  const UploadResult result = Upload(inspect::testing::ZipBytes(
      {inspect::testing::File("README.md", "# hi")}));

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("must be PDF (application/pdf)"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeContentTest,
       ADeclaredSizeOverTheItemsLimitIsRefusedBeforeAnyByte) {
  SetRule(R"pb(max_size_bytes: 100)pb");
  // Only the metadata is sent: intake answers without waiting for bytes.
  const UploadResult result = SendUpload(
      harness_, {Metadata(std::string(1000, 'x'), kProposal)}, "alice");

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(),
            "project-proposal: this file is 1000 bytes; at most 100 bytes "
            "allowed");
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].bytes_received(), 0);
}

TEST_F(IntakeContentTest, TheSpoolHoldsOneOwnerOnlyCopyWhileTheUploadRuns) {
  SetRule(R"pb(media_types: "application/pdf")pb");
  const std::string pdf = Pdf(1);
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  intake::v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto writer = stub->Upload(&context, &response);
  ASSERT_TRUE(writer->Write(Metadata(pdf, kProposal)));
  ASSERT_TRUE(writer->Write(Chunk(0, pdf.substr(0, 10))));
  // Storage has the first chunk, so the spool has it too.
  ASSERT_TRUE(harness_.storage().WaitForBytes(10, kWait));
  const std::vector<std::string> spooled = Spooled();
  ASSERT_THAT(spooled, SizeIs(1));
  struct stat info;
  ASSERT_EQ(stat(spooled[0].c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(info.st_size, 10);

  ASSERT_TRUE(writer->Write(Chunk(10, pdf.substr(10))));
  ASSERT_TRUE(writer->Write(Finish()));
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(Spooled(), IsEmpty());
}

TEST_F(IntakeContentTest, BytesThatAreNotTheDeclaredOnesAreNotInspected) {
  SetRule(R"pb(media_types: "application/pdf")pb");
  const std::string pdf = Pdf(1);
  std::vector<intake::v1::UploadRequest> messages = WholeUpload(pdf, kProposal);
  messages[0].mutable_metadata()->set_sha256_hex(std::string(64, 'a'));
  const UploadResult result = SendUpload(harness_, messages, "alice");

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  EXPECT_THAT(Spooled(), IsEmpty());
}

TEST_F(IntakeContentTest, ASpoolDirectoryOthersCanWriteIsNotUsed) {
  // Others could swap a staged file between its hash check and inspection.
  std::filesystem::create_directories(dir_.File("spool"));
  ASSERT_EQ(chmod(dir_.File("spool").c_str(), 0777), 0);
  SetRule(R"pb(media_types: "application/pdf")pb");
  const UploadResult result = Upload(Pdf(1));

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(result.status.error_message(), HasSubstr("--spool_dir"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  EXPECT_THAT(harness_.storage().refusals(), IsEmpty());
}

TEST_F(IntakeContentTest, AnItemWithoutARuleIsNeitherSpooledNorInspected) {
  // Not even a PDF: nothing looks at it.
  const UploadResult result = Upload("plain words\n", "project-report");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response.submission().media_type(), "");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("spool")));
}

// Intake whose inspector is missing: a deployment problem.
class IntakeWithoutInspectorTest : public IntakeContentTest {
 protected:
  IntakeWithoutInspectorTest() : IntakeContentTest("/nonexistent/inspect") {}
};

TEST_F(IntakeWithoutInspectorTest, ItemsWithoutARuleAreStillAccepted) {
  const UploadResult result = Upload("plain words\n", "project-report");
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
}

TEST_F(IntakeWithoutInspectorTest,
       ARuledItemFailsInternalNotRecordedNotStored) {
  SetRule(R"pb(media_types: "application/pdf")pb");
  const UploadResult result = Upload(Pdf(1));

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("the content inspector could not run"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  EXPECT_THAT(harness_.storage().refusals(), IsEmpty());
  EXPECT_THAT(Spooled(), IsEmpty());
}

}  // namespace
}  // namespace handin::testing
