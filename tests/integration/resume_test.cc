// Resumable uploads across real processes: the real `handin` client uploads
// a code zip several MiB long to the real intake through a proxy that cuts
// the first connection part-way; the client asks intake how much it holds,
// says it resumes, sends the rest, and gets a receipt. Storage then holds
// exactly one submission of the student for the item, whose bytes (read
// back through grading) hash to the receipt's SHA-256. A small upload, which
// intake holds instead of streaming, is staged on storage when it is cut,
// and its resume keeps the first start.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/caller.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "tests/integration/cluster.h"
#include "tests/testing/cutting_proxy.h"
#include "tests/testing/metric_sample.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kCourse[] = "eecs598-w24";
constexpr char kStudent[] = "ari";
constexpr char kItem[] = "project-code";

// The cut comes well past what gRPC's flow control lets be in flight, so
// intake holds part of the file by then.
constexpr size_t kRandomBytes = size_t{24} << 20;
constexpr int64_t kCutAfter = int64_t{16} << 20;

class ResumeEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // The port of `address` ("host:port").
  static int PortOf(const std::string& address) {
    return std::stoi(address.substr(address.rfind(':') + 1));
  }

  // Runs the real client as the student against `server`.
  CommandResult Handin(const std::vector<std::string>& args,
                       const std::string& server) {
    std::vector<std::string> argv = {Cluster::Binary("handin")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(
        argv, {"HANDIN_SERVER=" + server, "HANDIN_CA=" + cluster_.CaFile(),
               "HANDIN_TOKEN=" + cluster_.Token(Role::kStudent, kStudent),
               std::string("HANDIN_COURSE=") + kCourse,
               "HANDIN_RECEIPT_DIR=" + dir_.path()});
  }

  // The student's submissions of the item, as grading lists them.
  std::vector<common::v1::SubmissionRecord> Submissions() {
    auto grading = grading::v1::GradingService::NewStub(
        cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
    grading::v1::ListSubmissionsRequest request;
    request.set_course_id(kCourse);
    request.set_item_id(kItem);
    grading::v1::ListSubmissionsResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        grading->ListSubmissions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<common::v1::SubmissionRecord> mine;
    for (const auto& record : response.submissions()) {
      if (record.principal() == kStudent) mine.push_back(record);
    }
    return mine;
  }

  // The SHA-256 of the stored bytes of `submission_id`, read back through
  // grading.
  std::string StoredSha256(const std::string& submission_id) {
    auto grading = grading::v1::GradingService::NewStub(
        cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
    grading::v1::DownloadSubmissionRequest request;
    request.set_course_id(kCourse);
    request.set_submission_id(submission_id);
    grpc::ClientContext context;
    auto reader = grading->DownloadSubmission(&context, request);
    grading::v1::DownloadSubmissionResponse message;
    Sha256 hasher;
    while (reader->Read(&message)) {
      if (message.has_chunk()) hasher.Update(message.chunk().data());
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return hasher.HexDigest();
  }

  Cluster cluster_;
  TempDir dir_;
};

TEST_F(ResumeEndToEndTest, ADroppedConnectionIsResumedAndStoredOnce) {
  const std::string file = dir_.File("code.zip");
  const std::string bytes = CodeZip(kRandomBytes, 7);
  std::ofstream(file, std::ios::binary) << bytes;
  const std::string sha = Sha256::Of(bytes);
  auto proxy =
      CuttingProxy::Start(PortOf(cluster_.Address("intake")), kCutAfter);
  ASSERT_TRUE(proxy.ok()) << proxy.status();

  // The certificate names localhost; TLS passes through the proxy.
  const CommandResult submit =
      Handin({"submit", "--yes", "--item", kItem, file},
             "localhost:" + std::to_string((*proxy)->port()));
  ASSERT_EQ(submit.exit_code, 0) << submit.err << "\n"
                                 << cluster_.LogTail("intake");
  EXPECT_TRUE((*proxy)->cut()) << "the proxy never cut the connection";
  EXPECT_THAT(submit.err, HasSubstr("connection lost; resuming at "));
  EXPECT_THAT(submit.out, HasSubstr(sha)) << "the receipt names the SHA-256";

  const std::vector<common::v1::SubmissionRecord> stored = Submissions();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].sha256_hex(), sha);
  EXPECT_EQ(stored[0].size_bytes(), static_cast<int64_t>(bytes.size()));
  EXPECT_THAT(submit.out, HasSubstr(stored[0].submission_id()));
  EXPECT_EQ(StoredSha256(stored[0].submission_id()), sha);
}

TEST_F(ResumeEndToEndTest, ASmallUploadCutBeforeItsFinishResumesFromItsStart) {
  // Small enough for intake to hold it and store it in one call
  // (--held_upload_max_bytes): nothing is on storage until the cut.
  const std::string bytes = CodeZip(20 << 10, 9);
  ASSERT_LE(bytes.size(), size_t{64} << 10);
  const size_t half = bytes.size() / 2;
  constexpr char kTaken[] = "handin_intake_received_bytes_total";
  const double taken_before =
      MetricSample(ScrapeMetrics(cluster_, "intake"), kTaken);

  DirectUpload first{.user = kStudent,
                     .item = kItem,
                     .content = bytes.substr(0, half),
                     .key = "held-cut-key",
                     .file_name = "code.zip"};
  first.declared_size = static_cast<int64_t>(bytes.size());
  first.declared_sha256_hex = Sha256::Of(bytes);
  // The connection drops once intake holds the first half.
  first.cut_before_finish = [&] {
    for (int i = 0; i < 500; ++i) {
      if (MetricSample(ScrapeMetrics(cluster_, "intake"), kTaken) >=
          taken_before + static_cast<double>(half)) {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "intake never took the first half";
    return true;
  };
  intake::v1::UploadResponse response;
  EXPECT_EQ(UploadDirect(cluster_, first, &response).error_code(),
            grpc::StatusCode::CANCELLED);

  // Intake staged what it held on storage, with the first start.
  auto intake = intake::v1::IntakeService::NewStub(cluster_.Channel("intake"));
  intake::v1::QueryWriteStatusResponse held;
  for (int i = 0; i < 500 && held.committed_size() == 0; ++i) {
    grpc::ClientContext context;
    AttachToken(context, cluster_.Token(Role::kStudent, kStudent));
    intake::v1::QueryWriteStatusRequest request;
    request.set_course_id(kCourse);
    request.set_idempotency_key("held-cut-key");
    const grpc::Status queried =
        intake->QueryWriteStatus(&context, request, &held);
    ASSERT_TRUE(queried.ok() ||
                queried.error_code() == grpc::StatusCode::UNAVAILABLE)
        << queried.error_message();
    if (held.committed_size() == 0) absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(held.committed_size(), static_cast<int64_t>(half))
      << cluster_.LogTail("intake");
  ASSERT_TRUE(held.has_started_at());

  DirectUpload rest{.user = kStudent,
                    .item = kItem,
                    .content = bytes,
                    .key = "held-cut-key",
                    .file_name = "code.zip"};
  rest.resume_offset = held.committed_size();
  // As a client does, while intake says the cut attempt is still ending.
  grpc::Status resumed;
  for (int i = 0; i < 100; ++i) {
    resumed = UploadDirect(cluster_, rest, &response);
    if (resumed.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_TRUE(resumed.ok()) << resumed.error_message() << "\n"
                            << cluster_.LogTail("intake");
  EXPECT_EQ(response.submission().started_at().SerializeAsString(),
            held.started_at().SerializeAsString());
  const std::vector<common::v1::SubmissionRecord> stored = Submissions();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(StoredSha256(stored[0].submission_id()), Sha256::Of(bytes));
}

}  // namespace
}  // namespace handin::testing
