// The walking skeleton's promise, across real processes over loopback: a
// student submits with the real client, gets a receipt, sees it in status,
// and staff read back through grading exactly the bytes the receipt names.
#include <signal.h>

#include <fstream>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/caller.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"
#include "tests/integration/cluster.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCourse[] = "eecs598-w24";
constexpr char kStudent[] = "ari";

// Writes a code zip (CodeZip) with `size` random bytes to `path` and
// returns its bytes.
std::string WriteCodeZip(const std::string& path, size_t size, unsigned seed) {
  const std::string bytes = CodeZip(size, seed);
  std::ofstream(path, std::ios::binary) << bytes;
  return bytes;
}

int LineCount(const std::string& text) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(text, '\n', absl::SkipEmpty());
  return static_cast<int>(lines.size());
}

class EndToEndTest : public ::testing::Test {
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

  // Runs the real student client as `user` against the cluster's intake.
  CommandResult Handin(const std::vector<std::string>& args,
                       const std::string& user = kStudent,
                       const std::string& server = "") {
    std::vector<std::string> argv = {Cluster::Binary("handin")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(
        argv, {"HANDIN_SERVER=" +
                   (server.empty() ? cluster_->TlsAddress("intake") : server),
               "HANDIN_CA=" + cluster_->CaFile(),
               "HANDIN_TOKEN=" + cluster_->Token(Role::kStudent, user),
               std::string("HANDIN_COURSE=") + kCourse,
               "HANDIN_RECEIPT_DIR=" + dir_.path()});
  }

  static Cluster* cluster_;
  static absl::Status* start_status_;
  TempDir dir_;
};

Cluster* EndToEndTest::cluster_ = nullptr;
absl::Status* EndToEndTest::start_status_ = nullptr;

TEST_F(EndToEndTest, SubmittedBytesReadBackThroughGradingHashToTheReceipt) {
  const std::string file = dir_.File("code.zip");
  const std::string bytes = WriteCodeZip(file, 3 * 1024 * 1024 + 17, 1);
  const std::string sha = Sha256::Of(bytes);

  CommandResult submit =
      Handin({"submit", "--yes", "--item", "project-code", file});
  ASSERT_EQ(submit.exit_code, 0) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr(sha)) << "the receipt names the SHA-256";
  EXPECT_THAT(submit.out, HasSubstr(std::to_string(bytes.size())));

  auto grading = handin::grading::v1::GradingService::NewStub(
      cluster_->Channel("grading", cluster_->Token(Role::kGrader, "amberljc")));
  handin::grading::v1::ListSubmissionsRequest list;
  list.set_course_id(kCourse);
  list.set_item_id("project-code");
  handin::grading::v1::ListSubmissionsResponse listed;
  grpc::ClientContext list_context;
  ASSERT_TRUE(grading->ListSubmissions(&list_context, list, &listed).ok());
  const handin::common::v1::SubmissionRecord* record = nullptr;
  for (const auto& submission : listed.submissions()) {
    if (submission.sha256_hex() == sha) record = &submission;
  }
  ASSERT_NE(record, nullptr) << "grading lists the submission";
  EXPECT_EQ(record->principal(), kStudent);
  EXPECT_THAT(submit.out, HasSubstr(record->submission_id()));
  EXPECT_LE(record->started_at().seconds(), record->completed_at().seconds());

  handin::grading::v1::DownloadSubmissionRequest download;
  download.set_course_id(kCourse);
  download.set_submission_id(record->submission_id());
  grpc::ClientContext download_context;
  auto reader = grading->DownloadSubmission(&download_context, download);
  handin::grading::v1::DownloadSubmissionResponse message;
  Sha256 hasher;
  int64_t received = 0;
  bool saw_record = false;
  while (reader->Read(&message)) {
    if (message.has_record()) {
      saw_record = true;
      EXPECT_EQ(message.record().submission_id(), record->submission_id());
    } else {
      EXPECT_EQ(message.chunk().offset(), received);
      received += static_cast<int64_t>(message.chunk().data().size());
      hasher.Update(message.chunk().data());
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_TRUE(saw_record);
  EXPECT_EQ(received, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(hasher.HexDigest(), sha);
}

TEST_F(EndToEndTest, StatusListsOnlyTheCallersOwnSubmissions) {
  const std::string file = dir_.File("mine.zip");
  const std::string sha = Sha256::Of(WriteCodeZip(file, 4096, 2));
  ASSERT_EQ(
      Handin({"submit", "--yes", "--item", "project-code", file}).exit_code, 0);

  CommandResult mine = Handin({"status"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_THAT(mine.out, HasSubstr("project-code"));
  EXPECT_THAT(mine.out, HasSubstr(sha.substr(0, 12)));

  CommandResult someone_else = Handin({"status"}, "jack");
  ASSERT_EQ(someone_else.exit_code, 0) << someone_else.err;
  EXPECT_THAT(someone_else.out, Not(HasSubstr(sha.substr(0, 12))));
}

TEST_F(EndToEndTest, TheTokenAndServerMayComeFromTheConfigFile) {
  const std::string config = dir_.File("config.toml");
  std::ofstream(config) << "token = \""
                        << cluster_->Token(Role::kStudent, "ari")
                        << "\"\nserver = \"" << cluster_->TlsAddress("intake")
                        << "\"\nca = \"" << cluster_->CaFile() << "\"\n";
  // No HANDIN_* variables: everything comes from the file.
  const CommandResult status =
      RunCommand({Cluster::Binary("handin"), "status", "--config", config}, {});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  const CommandResult without = RunCommand(
      {Cluster::Binary("handin"), "status", "--config", dir_.File("none")}, {});
  EXPECT_NE(without.exit_code, 0);
}

TEST_F(EndToEndTest, UnknownItemIsAOneLineErrorNamingTheItem) {
  const std::string file = dir_.File("x.pdf");
  WriteCodeZip(file, 100, 3);
  CommandResult result = Handin({"submit", "--item", "no-such-item", file});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("no-such-item"));
  EXPECT_EQ(LineCount(result.err), 1) << result.err;
}

TEST_F(EndToEndTest, MissingFileIsAOneLineErrorNamingTheFile) {
  const std::string file = dir_.File("does-not-exist.pdf");
  CommandResult result = Handin({"submit", "--item", "project-report", file});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("does-not-exist.pdf"));
  EXPECT_EQ(LineCount(result.err), 1) << result.err;
}

TEST_F(EndToEndTest, ServerNotRunningIsAOneLineErrorSayingSo) {
  const std::string file = dir_.File("y.pdf");
  WriteCodeZip(file, 100, 4);
  // Port 1 on loopback: nothing of ours listens there.
  CommandResult result = Handin({"submit", "--item", "project-report", file},
                                kStudent, "localhost:1");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("localhost:1"));
  EXPECT_EQ(LineCount(result.err), 1) << result.err;
}

TEST_F(EndToEndTest, GrpcCliListsEveryServiceThroughReflection) {
  const std::string grpc_cli = BinaryDir() + "/tools/grpc_cli/grpc_cli";
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"intake", "handin.intake.v1.IntakeService"},
      {"grading", "handin.grading.v1.GradingService"}};
  for (const auto& [service, name] : expected) {
    CommandResult ls =
        RunCommand({grpc_cli, "ls", cluster_->TlsAddress(service),
                    "--channel_creds_type=ssl"},
                   {"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=" + cluster_->CaFile()});
    ASSERT_EQ(ls.exit_code, 0) << ls.err;
    EXPECT_THAT(ls.out, HasSubstr(name));
    EXPECT_THAT(ls.out, HasSubstr("grpc.health.v1.Health"));
    EXPECT_THAT(ls.out, HasSubstr("grpc.reflection.v1alpha.ServerReflection"));
  }
}

TEST_F(EndToEndTest, GrpcCliChecksHealthThroughReflection) {
  const std::string grpc_cli = BinaryDir() + "/tools/grpc_cli/grpc_cli";
  CommandResult check =
      RunCommand({grpc_cli, "call", cluster_->TlsAddress("grading"),
                  "grpc.health.v1.Health.Check",
                  "service: \"handin.grading.v1.GradingService\"",
                  "--channel_creds_type=ssl"},
                 {"GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=" + cluster_->CaFile()});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("SERVING"));
}

TEST_F(EndToEndTest, MutualTlsServicesRefuseClientsWithoutACertificate) {
  CommandResult health =
      RunCommand({Cluster::Binary("handin-health"),
                  "--addr=" + cluster_->TlsAddress("storage"),
                  "--ca=" + cluster_->CaFile()});
  EXPECT_EQ(health.exit_code, 2) << health.out;
}

// The line of `text` that contains `needle`; empty if none does.
std::string LineWith(const std::string& text, const std::string& needle) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StrContains(line, needle)) return std::string(line);
  }
  return "";
}

TEST_F(EndToEndTest, DeadlinesAllListsAPresentersSlidesInCourseTime) {
  CommandResult all = Handin({"deadlines", "--all"}, "jeremy");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const std::string slides = LineWith(all.out, "slides/2024-03-19");
  ASSERT_NE(slides, "") << all.out;
  // Due 24 h before the 10:30 session, in Detroit's daylight time.
  EXPECT_THAT(slides, HasSubstr("2024-03-18 10:30 EDT"));
  EXPECT_THAT(slides, HasSubstr("past due"));
  // Ari, Jack and Vishwa present on Jan 25; Jeremy owes no slides then.
  EXPECT_THAT(all.out, Not(HasSubstr("slides/2024-01-25")));
}

TEST_F(EndToEndTest, DeadlinesByDefaultSayNothingIsUpcomingAndPointToAll) {
  // The reference course is Winter 2024: by the real clock all is past.
  CommandResult upcoming = Handin({"deadlines"}, "jeremy");
  ASSERT_EQ(upcoming.exit_code, 0) << upcoming.err;
  CommandResult all = Handin({"deadlines", "--all"}, "jeremy");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const int owed = LineCount(all.out) - 1;  // Minus the header.
  EXPECT_EQ(upcoming.out,
            "nothing upcoming; `handin deadlines --all` lists all " +
                std::to_string(owed) + " items you owe\n");
}

TEST_F(EndToEndTest, DeadlinesIcsWritesACalendarWithAnEventPerItem) {
  const std::string path = dir_.File("jeremy.ics");
  CommandResult ics = Handin({"deadlines", "--ics", path}, "jeremy");
  ASSERT_EQ(ics.exit_code, 0) << ics.err;
  std::ifstream file(path, std::ios::binary);
  const std::string calendar((std::istreambuf_iterator<char>(file)), {});
  EXPECT_TRUE(absl::StartsWith(calendar, "BEGIN:VCALENDAR\r\n"))
      << calendar.substr(0, 200);
  EXPECT_THAT(calendar, HasSubstr("slides/2024-03-19"));
  CommandResult all = Handin({"deadlines", "--all"}, "jeremy");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(ics.out, "wrote " + std::to_string(LineCount(all.out) - 1) +
                         " events to " + path + "\n");
}

TEST_F(EndToEndTest, LateSubmitWithoutATerminalOrYesStoresNothing) {
  const std::string file = dir_.File("late.pdf");
  const std::string sha = Sha256::Of(WriteCodeZip(file, 2048, 5));
  CommandResult submit =
      Handin({"submit", "--item", "slides/2024-03-19", file}, "zhenning");
  EXPECT_EQ(submit.exit_code, 2) << submit.err;
  EXPECT_THAT(submit.err, HasSubstr("handin: warning: this submission would "
                                    "be late"));
  EXPECT_THAT(submit.err, HasSubstr("pass --yes"));
  EXPECT_EQ(submit.out, "");

  CommandResult status = Handin({"status"}, "zhenning");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, Not(HasSubstr(sha.substr(0, 12))));
  EXPECT_THAT(status.out, Not(HasSubstr("slides/2024-03-19")));
}

TEST_F(EndToEndTest, ARetryWithTheSameKeyGetsTheSameSubmission) {
  const std::string content = CodeZip(100, 7);
  intake::v1::UploadResponse first;
  grpc::Status status = UploadDirect(*cluster_, kStudent, "project-code",
                                     content, "e2e-retry-key", &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(first.replayed());
  intake::v1::UploadResponse again;
  status = UploadDirect(*cluster_, kStudent, "project-code", content,
                        "e2e-retry-key", &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.submission().submission_id(),
            first.submission().submission_id());

  CommandResult status_out = Handin({"status"});
  ASSERT_EQ(status_out.exit_code, 0) << status_out.err;
  const std::string short_sha = Sha256::Of(content).substr(0, 12);
  EXPECT_EQ(status_out.out.find(short_sha), status_out.out.rfind(short_sha))
      << "stored once:\n"
      << status_out.out;
}

TEST_F(EndToEndTest, ARefusedAttemptShowsInStatusWithItsReason) {
  // Jeremy presents no session on Jan 25, so he owes no slides for it.
  intake::v1::UploadResponse response;
  const grpc::Status refused =
      UploadDirect(*cluster_, "jeremy", "slides/2024-01-25", "deck",
                   "e2e-refused-key", &response);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << refused.error_message();

  CommandResult status = Handin({"status"}, "jeremy");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("Refused attempts"));
  const std::string row = LineWith(status.out, "slides/2024-01-25");
  EXPECT_THAT(row, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(row, HasSubstr(refused.error_message()));
  // Nobody else sees it.
  CommandResult other = Handin({"status"}, "jack");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_THAT(other.out, Not(HasSubstr("slides/2024-01-25")));
}

TEST(ClusterShutdown, EveryServerExitsCleanlyOnSigterm) {
  Cluster cluster;
  absl::Status started = cluster.Start();
  ASSERT_TRUE(started.ok()) << started;
  for (const char* service : {"grading", "intake", "deadline", "storage"}) {
    absl::StatusOr<int> code = cluster.Stop(service);
    ASSERT_TRUE(code.ok()) << service << ": " << code.status();
    EXPECT_EQ(*code, 0) << service << " exit code; log:\n"
                        << cluster.LogTail(service);
  }
}

}  // namespace
}  // namespace handin::testing
