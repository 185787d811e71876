// The bad-input suite: one test per kind of bad upload, against the real
// binaries. Each checks the exact status code, that the message tells the
// student what was wrong, and that nothing was stored (no submission of the
// item by the uploader; the refusal recorded where intake records one).
// Bad tokens (forged, expired, another course's) are refused before
// anything of the upload is looked at, so nothing of them is recorded.
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "tests/integration/cluster.h"
#include "tests/services/inspect/fixtures.h"
#include "tests/testing/ec_keys.h"

namespace handin::testing {
namespace {

using ::handin::inspect::testing::File;
using ::handin::inspect::testing::Symlink;
using ::handin::inspect::testing::ZipBytes;
using ::handin::inspect::testing::ZipEntry;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kCourse[] = "eecs598-w24";
constexpr char kStudent[] = "ari";

// One cluster for the whole suite: every test uses its own item or key,
// and checks only its own item's records.
class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    const absl::Status started = cluster_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  // Uploads `content` for `item` as kStudent and returns the status.
  static grpc::Status Upload(const std::string& item,
                             const std::string& content,
                             const std::string& key = "") {
    intake::v1::UploadResponse response;
    return UploadDirect(*cluster_, kStudent, item, content, key, &response);
  }

  static std::unique_ptr<storage::v1::StorageService::Stub> Storage() {
    return storage::v1::StorageService::NewStub(
        cluster_->Channel("storage", cluster_->ServiceToken("grading")));
  }

  // The submissions storage holds of `item` by kStudent.
  static int StoredCount(const std::string& item) {
    storage::v1::ListSubmissionsRequest request;
    request.set_course_id(kCourse);
    request.set_item_id(item);
    request.set_principal(kStudent);
    storage::v1::ListSubmissionsResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        Storage()->ListSubmissions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.submissions_size();
  }

  // The reasons of the refused attempts storage recorded for `item` by
  // kStudent, oldest first.
  static std::vector<std::string> RefusalReasons(const std::string& item) {
    storage::v1::ListRefusalsRequest request;
    request.set_course_id(kCourse);
    request.set_item_id(item);
    request.set_principal(kStudent);
    storage::v1::ListRefusalsResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        Storage()->ListRefusals(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> reasons;
    for (const auto& attempt : response.attempts()) {
      reasons.push_back(attempt.reason());
    }
    return reasons;
  }

  // Expects `status` to be `code` with a message containing `what`, no
  // submission of `item`, and (when `recorded`) the refusal on record.
  static void ExpectRefusedAndNothingStored(const grpc::Status& status,
                                            grpc::StatusCode code,
                                            const std::string& what,
                                            const std::string& item,
                                            bool recorded = true) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(what));
    EXPECT_EQ(StoredCount(item), 0) << item << " has a stored submission";
    if (recorded) {
      EXPECT_THAT(RefusalReasons(item), ::testing::Contains(HasSubstr(what)))
          << "the refusal of " << item << " was not recorded";
    }
  }

  static Cluster& cluster() { return *cluster_; }
  // Uploads a good PDF for project-report as kStudent with `token`; expects
  // `code` with `what` in the message, and no new submission or refusal.
  static void ExpectTokenRefused(const std::string& token,
                                 grpc::StatusCode code,
                                 const std::string& what);

  static Cluster* cluster_;
};

Cluster* BadInputTest::cluster_ = nullptr;

TEST_F(BadInputTest, WrongTypeIsRefusedByItsBytes) {
  // A text file named like a PDF.
  ExpectRefusedAndNothingStored(Upload("project-proposal", "just some notes\n"),
                                grpc::StatusCode::INVALID_ARGUMENT,
                                "project-proposal: ", "project-proposal");
  EXPECT_THAT(RefusalReasons("project-proposal").back(),
              AllOf(HasSubstr("text/plain"), HasSubstr("application/pdf")));
}

TEST_F(BadInputTest, MalformedPdfIsRefused) {
  ExpectRefusedAndNothingStored(
      Upload("project-report", "%PDF-1.7\n1 0 obj << /Type /Catalog >>\n"),
      grpc::StatusCode::INVALID_ARGUMENT, "project-report: ", "project-report");
}

TEST_F(BadInputTest, ZipSlipIsRefused) {
  const std::string zip =
      ZipBytes({File("README", "build: make"), File("../../etc/cron.d/x")});
  ExpectRefusedAndNothingStored(Upload("project-code", zip, "zip-slip"),
                                grpc::StatusCode::INVALID_ARGUMENT, "..",
                                "project-code");
}

TEST_F(BadInputTest, SymlinkOutOfTheTreeIsRefused) {
  const std::string zip = ZipBytes(
      {File("README", "build: make"), Symlink("secrets", "/etc/shadow")});
  ExpectRefusedAndNothingStored(Upload("project-code", zip, "symlink"),
                                grpc::StatusCode::INVALID_ARGUMENT, "secrets",
                                "project-code");
}

TEST_F(BadInputTest, ZipBombIsRefused) {
  ZipEntry zeros = File("zeros.bin", "");
  zeros.zero_bytes = int64_t{256} << 20;
  const std::string zip = ZipBytes({File("README", "build: make"), zeros});
  ExpectRefusedAndNothingStored(Upload("project-code", zip, "bomb"),
                                grpc::StatusCode::INVALID_ARGUMENT,
                                "decompression bomb", "project-code");
}

TEST_F(BadInputTest, OversizedFileIsRefusedBeforeItsBytes) {
  // Declares more than intake's service-wide limit (512 MiB).
  DirectUpload upload{.user = kStudent,
                      .item = "project-code",
                      .content = CodeZip(1000, 1),
                      .key = "oversized"};
  upload.declared_size = int64_t{600} << 20;
  intake::v1::UploadResponse response;
  ExpectRefusedAndNothingStored(UploadDirect(*cluster_, upload, &response),
                                grpc::StatusCode::INVALID_ARGUMENT,
                                "at most 512 MiB", "project-code");
}

TEST_F(BadInputTest, TruncatedStreamIsRefused) {
  // The finish comes 1000 bytes short of the declared size.
  const std::string item = "project-final-presentation";
  DirectUpload upload{
      .user = kStudent, .item = item, .content = PdfBytes(2), .key = "short"};
  upload.declared_size = static_cast<int64_t>(upload.content.size()) + 1000;
  intake::v1::UploadResponse response;
  const grpc::Status status = UploadDirect(*cluster_, upload, &response);
  ExpectRefusedAndNothingStored(status, grpc::StatusCode::DATA_LOSS,
                                std::to_string(upload.content.size()), item);
  EXPECT_THAT(status.error_message(),
              HasSubstr(std::to_string(*upload.declared_size)));
}

TEST_F(BadInputTest, Sha256MismatchIsDataLoss) {
  DirectUpload upload{.user = kStudent,
                      .item = "project-final-presentation",
                      .content = PdfBytes(1),
                      .key = "sha-mismatch"};
  upload.declared_sha256_hex = std::string(64, '0');
  intake::v1::UploadResponse response;
  ExpectRefusedAndNothingStored(UploadDirect(*cluster_, upload, &response),
                                grpc::StatusCode::DATA_LOSS, "SHA-256",
                                "project-final-presentation");
}

TEST_F(BadInputTest, UnknownItemIsNotFound) {
  ExpectRefusedAndNothingStored(Upload("project-poster", PdfBytes(1)),
                                grpc::StatusCode::NOT_FOUND, "project-poster",
                                "project-poster", /*recorded=*/false);
}

TEST_F(BadInputTest, ItemNotOwedByTheStudentIsRefused) {
  // The Jan 23 summary is owed by yuxuan-daniel-ohjun, not by ari's groups.
  ExpectRefusedAndNothingStored(Upload("summary/2024-01-23", PdfBytes(2)),
                                grpc::StatusCode::FAILED_PRECONDITION,
                                "summary/2024-01-23", "summary/2024-01-23");
}

TEST_F(BadInputTest, ReplayedKeyWithOtherContentIsAlreadyExists) {
  const std::string item = "project-midterm-presentation";
  ASSERT_TRUE(Upload(item, PdfBytes(3), "replayed-key").ok());
  const grpc::Status replay = Upload(item, PdfBytes(4), "replayed-key");
  EXPECT_EQ(replay.error_code(), grpc::StatusCode::ALREADY_EXISTS)
      << replay.error_message();
  EXPECT_THAT(replay.error_message(), HasSubstr("replayed-key"));
  EXPECT_EQ(StoredCount(item), 1) << "the replay stored something";
}

TEST(MalformedPolicyTest, CheckPolicyNamesTheFileAndLine) {
  TempDir dir;
  const std::string path = dir.File("broken.textproto");
  {
    std::ofstream out(path);
    out << "course_id: \"eecs598-w24\"\nitems { item_id: \"x\" due_at {\n";
  }
  const CommandResult result =
      RunCommand({Cluster::Binary("handin-deadline"), "--check-policy", path});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.out + result.err, HasSubstr("broken.textproto:"));
}

TEST(StorageFlagsTest, AnOutOfRangeMemtableSizeNamesTheRange) {
  TempDir dir;
  const CommandResult result =
      RunCommand({Cluster::Binary("handin-storage"),
                  "--data_dir=" + dir.File("db"), "--memtable_mib=2"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.out + result.err,
              HasSubstr("--memtable_mib=2 is out of range; give 4 to 1024"));
}

void BadInputTest::ExpectTokenRefused(const std::string& token,
                                      grpc::StatusCode code,
                                      const std::string& what) {
  const std::string item = "project-report";
  const int stored = StoredCount(item);
  const size_t refused = RefusalReasons(item).size();
  intake::v1::UploadResponse response;
  const grpc::Status status = UploadDirect(
      cluster(),
      {.user = kStudent, .item = item, .content = PdfBytes(2), .token = token},
      &response);
  EXPECT_EQ(status.error_code(), code) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr(what));
  EXPECT_EQ(StoredCount(item), stored) << "something was stored";
  EXPECT_EQ(RefusalReasons(item).size(), refused)
      << "a bad token's upload left a record";
}

TokenClaims StudentClaims(absl::Duration age, absl::Duration lifetime,
                          const std::string& course = kCourse) {
  const absl::Time issued = absl::Now() - age;
  return {.subject = kStudent,
          .role = Role::kStudent,
          .course_id = course,
          .issued_at = issued,
          .expires_at = issued + lifetime};
}

TEST_F(BadInputTest, ForgedTokenIsUnauthenticated) {
  // Right claims, signed with a key that is not the course's.
  const absl::StatusOr<std::string> forged =
      IssueToken(StudentClaims(absl::ZeroDuration(), absl::Hours(1)),
                 MakeEcKeyPair().private_pem);
  ASSERT_TRUE(forged.ok()) << forged.status();
  ExpectTokenRefused(*forged, grpc::StatusCode::UNAUTHENTICATED,
                     "does not verify");
}

TEST_F(BadInputTest, ExpiredTokenIsUnauthenticated) {
  ExpectTokenRefused(
      cluster().SignToken(StudentClaims(absl::Hours(3), absl::Hours(2))),
      grpc::StatusCode::UNAUTHENTICATED, "ask the course staff for a new one");
}

TEST_F(BadInputTest, AnotherCoursesTokenIsPermissionDenied) {
  ExpectTokenRefused(cluster().SignToken(StudentClaims(
                         absl::ZeroDuration(), absl::Hours(1), "eecs498-f24")),
                     grpc::StatusCode::PERMISSION_DENIED,
                     "this token is for course eecs498-f24, not eecs598-w24");
}

}  // namespace
}  // namespace handin::testing
