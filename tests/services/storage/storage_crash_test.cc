// Runs the real handin-storage binary, kills it with SIGKILL, restarts it on
// the same data directory and checks that every acknowledged submission is
// intact and nothing unacknowledged is half there.
//
// SIGKILL loses no page cache, so these tests prove recovery and atomicity,
// not fsync: a power cut is not simulated here.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_auth.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::testing::CountKeys;
using ::handin::storage::testing::ListOverGrpc;
using ::handin::storage::testing::PutOverGrpc;
using ::handin::storage::testing::ReadOverGrpc;
using ::handin::storage::testing::ReadResult;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::ResumableHeader;
using ::handin::storage::testing::TestBytes;
using ::handin::storage::v1::PutSubmissionRequest;
using ::handin::storage::v1::PutSubmissionResponse;
using ::handin::storage::v1::StorageService;
using ::handin::testing::CommandResult;
using ::handin::testing::RunCommand;
using ::handin::testing::Subprocess;
using ::testing::HasSubstr;

constexpr char kCourse[] = "eecs598-w24";
constexpr size_t kChunk = 64 << 10;

class StorageCrashTest : public ::testing::Test {
 protected:
  // Starts handin-storage on data_dir() and connects to it.
  void StartServer() {
    const std::string port_file = dir_.File("port" + std::to_string(starts_));
    auto process = Subprocess::Start(
        {HANDIN_STORAGE_BINARY, "--insecure", "--data_dir=" + data_dir(),
         "--token_key=" + auth_.WriteKeys(dir_.path()), "--listen=127.0.0.1:0",
         "--port_file=" + port_file, "--io_threads=2"},
        dir_.File("log" + std::to_string(starts_++)));
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = *std::move(process);
    int port = 0;
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (absl::Now() < give_up && process_->Running()) {
      absl::StatusOr<std::string> text = ReadFileToString(port_file);
      if (text.ok() &&
          absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &port)) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ASSERT_GT(port, 0) << "handin-storage did not start; see " << dir_.path();
    // Intake writes; grading reads back (storage's access table).
    stub_ = StorageService::NewStub(CreateTokenChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(),
        auth_.ServiceToken("intake")));
    reader_ = StorageService::NewStub(CreateTokenChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(),
        auth_.ServiceToken("grading")));
  }

  void Kill9() {
    process_->Signal(SIGKILL);
    absl::StatusOr<int> code = process_->Wait(absl::Seconds(10));
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 128 + SIGKILL);
  }

  std::string data_dir() const { return dir_.File("data"); }

  handin::testing::TempDir dir_;
  handin::testing::TestAuth auth_;
  int starts_ = 0;
  std::unique_ptr<Subprocess> process_;
  std::unique_ptr<StorageService::Stub> stub_;
  std::unique_ptr<StorageService::Stub> reader_;
};

TEST_F(StorageCrashTest, AcknowledgedSubmissionSurvivesKill9) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // An upload still streaming when the process dies.
  grpc::ClientContext interrupted_context;
  PutSubmissionResponse interrupted_response;
  auto interrupted =
      stub_->PutSubmission(&interrupted_context, &interrupted_response);
  PutSubmissionRequest message;
  message.mutable_header()->set_course_id(kCourse);
  ASSERT_TRUE(interrupted->Write(message));
  for (int i = 0; i < 4; ++i) {
    message.mutable_chunk()->set_offset(i * kChunk);
    message.mutable_chunk()->set_data(TestBytes(kChunk, 100 + i));
    ASSERT_TRUE(interrupted->Write(message));
  }

  const std::string bytes = TestBytes(3 * (1 << 20) + 99, 7);
  auto committed =
      PutOverGrpc(*stub_, RecordFor(kCourse, "project-report", "ann", bytes),
                  bytes, kChunk);
  ASSERT_TRUE(committed.ok()) << committed.status();
  ASSERT_NO_FATAL_FAILURE(Kill9());
  EXPECT_FALSE(interrupted->Finish().ok());

  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::vector<SubmissionRecord> listed = ListOverGrpc(*reader_, kCourse);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].SerializeAsString(), committed->SerializeAsString());
  ReadResult read = ReadOverGrpc(*reader_, kCourse, committed->submission_id());
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_TRUE(read.bytes == bytes) << "bytes differ after restart";

  // A clean stop, then: only the committed upload's chunks remain. (Our
  // channel goes first: with an idle client still connected, the server's
  // graceful shutdown lingers for seconds.)
  stub_.reset();
  reader_.reset();
  process_->Signal(SIGTERM);
  absl::StatusOr<int> code = process_->Wait(absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(CountKeys(data_dir(), keys::ChunkPrefix()),
            static_cast<int>((bytes.size() + kChunk - 1) / kChunk));
}

TEST_F(StorageCrashTest, KillDuringACommitStormLosesNoAcknowledgedWrite) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  struct Acked {
    SubmissionRecord record;
    std::string bytes;
  };
  std::vector<Acked> acked;
  std::atomic<bool> stop{false};
  std::thread client([&] {
    for (int i = 0; !stop.load(); ++i) {
      std::string bytes = TestBytes(3 * kChunk + i, 1000 + i);
      auto committed = PutOverGrpc(
          *stub_, RecordFor(kCourse, "summary", "u" + std::to_string(i), bytes),
          bytes, kChunk);
      if (!committed.ok()) return;  // the server died
      acked.push_back({*committed, std::move(bytes)});
    }
  });
  absl::SleepFor(absl::Milliseconds(400));
  ASSERT_NO_FATAL_FAILURE(Kill9());
  stop = true;
  client.join();
  ASSERT_FALSE(acked.empty()) << "no commit finished before the kill";

  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::vector<SubmissionRecord> listed = ListOverGrpc(*reader_, kCourse);
  // The commit in flight at the kill may or may not have reached disk.
  EXPECT_GE(listed.size(), acked.size());
  EXPECT_LE(listed.size(), acked.size() + 1);
  for (const Acked& a : acked) {
    ReadResult read = ReadOverGrpc(*reader_, kCourse, a.record.submission_id());
    EXPECT_TRUE(read.status.ok()) << read.status;
    EXPECT_TRUE(read.bytes == a.bytes) << a.record.submission_id();
  }
  for (const SubmissionRecord& record : listed) {
    EXPECT_TRUE(
        ReadOverGrpc(*reader_, kCourse, record.submission_id()).status.ok());
  }
}

TEST_F(StorageCrashTest, AResumableUploadSurvivesKill9AndResumes) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string bytes = TestBytes(5 * kChunk + 3, 21);
  SubmissionRecord record = RecordFor(kCourse, "project-report", "ann", bytes);
  record.set_idempotency_key("k");
  const absl::Time started_at = absl::FromUnixSeconds(1714600000);
  const int64_t staged = 3 * kChunk;
  v1::QueryUploadRequest query;
  query.set_course_id(kCourse);
  query.set_principal("ann");
  query.set_idempotency_key("k");
  const auto staged_bytes = [&] {
    grpc::ClientContext context;
    v1::QueryUploadResponse response;
    grpc::Status status = stub_->QueryUpload(&context, query, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.staged().staged_bytes();
  };

  // A stream that has sent 3 chunks when the process dies.
  grpc::ClientContext context;
  PutSubmissionResponse response;
  auto stream = stub_->PutSubmission(&context, &response);
  PutSubmissionRequest message;
  *message.mutable_header() = ResumableHeader(record, started_at, 0);
  ASSERT_TRUE(stream->Write(message));
  for (int64_t offset = 0; offset < staged; offset += kChunk) {
    message.mutable_chunk()->set_offset(offset);
    message.mutable_chunk()->set_data(bytes.substr(offset, kChunk));
    ASSERT_TRUE(stream->Write(message));
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (staged_bytes() < staged && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(staged_bytes(), staged);
  ASSERT_NO_FATAL_FAILURE(Kill9());
  EXPECT_FALSE(stream->Finish().ok());

  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_EQ(staged_bytes(), staged);
  grpc::ClientContext resume_context;
  auto resume = stub_->PutSubmission(&resume_context, &response);
  *message.mutable_header() = ResumableHeader(record, started_at, staged);
  ASSERT_TRUE(resume->Write(message));
  message.mutable_chunk()->set_offset(staged);
  message.mutable_chunk()->set_data(bytes.substr(staged));
  ASSERT_TRUE(resume->Write(message));
  *message.mutable_commit()->mutable_record() = record;
  ASSERT_TRUE(resume->Write(message));
  resume->WritesDone();
  grpc::Status committed = resume->Finish();
  ASSERT_TRUE(committed.ok()) << committed.error_message();
  ReadResult read =
      ReadOverGrpc(*reader_, kCourse, response.record().submission_id());
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_TRUE(read.bytes == bytes) << "bytes differ after the resume";
}

TEST_F(StorageCrashTest, StartupFailureIsOneLineNamingTheDirectory) {
  CommandResult missing = RunCommand({HANDIN_STORAGE_BINARY, "--insecure"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("--data_dir is required"));

  const std::string file = dir_.File("not-a-directory");
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  CommandResult bad =
      RunCommand({HANDIN_STORAGE_BINARY, "--insecure", "--data_dir=" + file});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr(file));
}

}  // namespace
}  // namespace handin::storage
