// Observability across real processes (docs/deploy.md, "Observability"):
// one upload moves intake's and storage's counters on their /metrics, and
// its request id is on the log lines of every service it went through; a
// refused submit with the real client prints its request id, which intake's
// log carries.
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/integration/cluster.h"
#include "tests/testing/metric_sample.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// How much `series` grew from `before` to `after`.
double Growth(const std::string& before, const std::string& after,
              const std::string& series) {
  return MetricSample(after, series) - MetricSample(before, series);
}

// The lines of `log` that end with request id `id` and contain `part`.
std::vector<std::string> LinesFor(const std::string& log, const std::string& id,
                                  const std::string& part) {
  std::vector<std::string> found;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::EndsWith(line, " request_id=" + id) &&
        absl::StrContains(line, part)) {
      found.emplace_back(line);
    }
  }
  return found;
}

std::string Handled(const std::string& method, const std::string& code) {
  return "handin_grpc_server_handled_total{method=\"" + method + "\",code=\"" +
         code + "\"}";
}

class ObservabilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    start_status_ = new absl::Status(cluster_->Start());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete start_status_;
  }
  void SetUp() override { ASSERT_TRUE(start_status_->ok()) << *start_status_; }

  static Cluster* cluster_;
  static absl::Status* start_status_;
  TempDir dir_;
};

Cluster* ObservabilityTest::cluster_ = nullptr;
absl::Status* ObservabilityTest::start_status_ = nullptr;

TEST_F(ObservabilityTest, AnUploadMovesIntakeAndStorageMetricsAndLogsItsId) {
  const std::string intake_before = ScrapeMetrics(*cluster_, "intake");
  const std::string storage_before = ScrapeMetrics(*cluster_, "storage");
  ASSERT_THAT(intake_before,
              HasSubstr("# TYPE handin_intake_uploads_in_flight"))
      << "intake serves no /metrics:\n"
      << cluster_->LogTail("intake");
  ASSERT_THAT(storage_before, HasSubstr("# TYPE handin_storage_commit_seconds"))
      << "storage serves no /metrics:\n"
      << cluster_->LogTail("storage");

  const std::string id = "obs-upload-1";
  DirectUpload upload{.user = "ari",
                      .item = "project-report",
                      .content = PdfBytes(1),
                      .key = "obs-key-1"};
  upload.request_id = id;
  intake::v1::UploadResponse response;
  const grpc::Status uploaded = UploadDirect(*cluster_, upload, &response);
  ASSERT_TRUE(uploaded.ok()) << uploaded.error_message();
  const double size = static_cast<double>(upload.content.size());
  const std::string verdict(absl::StripPrefix(
      common::v1::VerdictKind_Name(response.submission().verdict().kind()),
      "VERDICT_KIND_"));

  const std::string intake_after = ScrapeMetrics(*cluster_, "intake");
  EXPECT_EQ(
      Growth(intake_before, intake_after, "handin_intake_received_bytes_total"),
      size);
  EXPECT_EQ(
      Growth(intake_before, intake_after,
             "handin_intake_stored_uploads_total{verdict=\"" + verdict + "\"}"),
      1);
  EXPECT_EQ(Growth(intake_before, intake_after,
                   Handled("/handin.intake.v1.IntakeService/Upload", "OK")),
            1);
  const std::string storage_after = ScrapeMetrics(*cluster_, "storage");
  EXPECT_EQ(Growth(storage_before, storage_after,
                   "handin_storage_received_bytes_total"),
            size);
  EXPECT_EQ(Growth(storage_before, storage_after,
                   "handin_storage_commit_seconds_count"),
            1);
  // A file this small is held by intake and stored in one call.
  ASSERT_LE(upload.content.size(), size_t{64} << 10);
  EXPECT_EQ(Growth(storage_before, storage_after,
                   Handled("/handin.storage.v1.StorageService/StoreSubmission",
                           "OK")),
            1);

  // The one id is on the upload's lines in every service it went through.
  const std::string intake_log = cluster_->Log("intake");
  EXPECT_THAT(LinesFor(intake_log, id, "event=upload_committed"),
              Not(IsEmpty()))
      << intake_log;
  EXPECT_THAT(
      LinesFor(intake_log, id,
               "event=rpc_finished method=/handin.intake.v1.IntakeService/"
               "Upload code=OK"),
      Not(IsEmpty()))
      << intake_log;
  const std::string storage_log = cluster_->Log("storage");
  EXPECT_THAT(
      LinesFor(storage_log, id,
               "event=rpc_finished method=/handin.storage.v1.StorageService/"
               "StoreSubmission code=OK"),
      Not(IsEmpty()))
      << storage_log;
  const std::string deadline_log = cluster_->Log("deadline");
  EXPECT_THAT(LinesFor(deadline_log, id,
                       "method=/handin.deadline.v1.DeadlineService/Evaluate"),
              Not(IsEmpty()))
      << deadline_log;
}

TEST_F(ObservabilityTest, ARefusedUploadIsCountedByItsCode) {
  const std::string before = ScrapeMetrics(*cluster_, "intake");
  DirectUpload upload{.user = "ari",
                      .item = "project-report",
                      .content = PdfBytes(1),
                      .key = "obs-key-2"};
  upload.declared_sha256_hex = std::string(64, '0');
  intake::v1::UploadResponse response;
  const grpc::Status status = UploadDirect(*cluster_, upload, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS)
      << status.error_message();
  const std::string after = ScrapeMetrics(*cluster_, "intake");
  EXPECT_EQ(Growth(before, after,
                   "handin_intake_refused_uploads_total{code=\"DATA_LOSS\"}"),
            1);
  EXPECT_EQ(Growth(before, after,
                   "handin_intake_stored_uploads_total{verdict="
                   "\"ON_TIME\"}"),
            0);
}

TEST_F(ObservabilityTest, TheClientPrintsTheRequestIdIntakeLogged) {
  const std::string file = dir_.File("poster.pdf");
  std::ofstream(file, std::ios::binary) << PdfBytes(1);
  CommandResult submit = RunCommand(
      {Cluster::Binary("handin"), "submit", "--yes", "--item", "no-such-item",
       file},
      {"HANDIN_SERVER=" + cluster_->TlsAddress("intake"),
       "HANDIN_CA=" + cluster_->CaFile(),
       "HANDIN_TOKEN=" + cluster_->Token(Role::kStudent, "ari"),
       "HANDIN_COURSE=eecs598-w24", "HANDIN_RECEIPT_DIR=" + dir_.path()});
  ASSERT_NE(submit.exit_code, 0) << submit.out;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(submit.err, match,
                                std::regex(R"(\(request id ([0-9a-f]{16})\))")))
      << submit.err;
  const std::string id = match[1];
  const std::string intake_log = cluster_->Log("intake");
  EXPECT_THAT(LinesFor(intake_log, id, "event=rpc_finished"), Not(IsEmpty()))
      << id << "\n"
      << intake_log;
}

}  // namespace
}  // namespace handin::testing
