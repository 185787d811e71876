// Resumable uploads: an upload with an idempotency key whose stream broke is
// continued from the bytes intake holds (QueryWriteStatus), keeps its first
// attempt's started_at, and is refused FAILED_PRECONDITION when it does not
// match what is held. Runs the real intake against the in-memory fakes
// (the fake storage stages broken resumable streams as the proto says).

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/caller.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/inspect/fixtures.h"
#include "tests/services/intake/content_upload.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/services/intake/upload_messages.h"
#include "tests/testing/ports.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr absl::Duration kWait = absl::Seconds(10);

// Content whose bytes differ from place to place, so a misplaced resume
// shows in the hash.
std::string Patterned(size_t size) {
  std::string content;
  for (size_t i = 0; content.size() < size; ++i) {
    content += std::to_string(i) + ",";
  }
  content.resize(size);
  return content;
}

class IntakeResumeTest : public ::testing::Test {
 protected:
  IntakeResumeTest() : harness_(ContentOptions(dir_.File("spool"))) {}

  void SetUp() override {
    const absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Starts an upload of `content` by `user` with idempotency key `key`,
  // sends its metadata and its first `sent` bytes, then breaks the stream
  // (as a dropped connection does) once storage has them, and waits until
  // storage has closed its side.
  void BreakAfter(const std::string& content, int64_t sent,
                  const std::string& item = kItem,
                  const std::string& user = "alice",
                  const std::string& key = "key-r") {
    const int64_t before = harness_.storage().bytes_received();
    const int closed = harness_.storage().streams_closed();
    grpc::ClientContext context;
    ::handin::testing::AttachStudent(context, user);
    intake::v1::UploadResponse response;
    auto stub = harness_.NewIntakeStub();
    auto writer = stub->Upload(&context, &response);
    ASSERT_TRUE(writer->Write(Metadata(content, item, key)));
    ASSERT_TRUE(writer->Write(Chunk(0, content.substr(0, sent))));
    ASSERT_TRUE(harness_.storage().WaitForBytes(before + sent, kWait));
    context.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
    ASSERT_TRUE(harness_.storage().WaitForClosedStreams(closed + 1, kWait));
  }

  // Sends the rest of `content` from `offset` as a resumed upload. Retries
  // while intake says the broken attempt is still ending (UNAVAILABLE), as
  // a client does.
  UploadResult Resume(const std::string& content, int64_t offset,
                      const std::string& item = kItem,
                      const std::string& user = "alice",
                      const std::string& key = "key-r") {
    std::vector<intake::v1::UploadRequest> messages = {
        Metadata(content, item, key)};
    messages[0].mutable_metadata()->set_resume_offset(offset);
    constexpr size_t kChunk = 64 << 10;
    for (size_t at = static_cast<size_t>(offset); at < content.size();
         at += kChunk) {
      messages.push_back(
          Chunk(static_cast<int64_t>(at), content.substr(at, kChunk)));
    }
    messages.push_back(Finish());
    UploadResult result;
    for (int attempt = 0; attempt < 100; ++attempt) {
      result = SendUpload(harness_, messages, user);
      if (result.status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return result;
  }

  intake::v1::QueryWriteStatusResponse Query(const std::string& user,
                                             const std::string& key,
                                             grpc::Status* status) {
    grpc::ClientContext context;
    if (!user.empty()) ::handin::testing::AttachStudent(context, user);
    intake::v1::QueryWriteStatusRequest request;
    request.set_course_id(kCourse);
    request.set_idempotency_key(key);
    intake::v1::QueryWriteStatusResponse response;
    *status = harness_.NewIntakeStub()->QueryWriteStatus(&context, request,
                                                         &response);
    return response;
  }

  std::vector<std::string> Spooled() { return FilesIn(dir_.File("spool")); }

  TempDir dir_;
  IntakeHarness harness_;
};

TEST_F(IntakeResumeTest, EveryKeyedUploadIsOpenedOnStorageAsResumable) {
  const UploadResult result =
      SendUpload(harness_, WholeUpload("bytes", kItem), "alice");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  const std::vector<storage::v1::PutHeader> headers =
      harness_.storage().headers();
  ASSERT_THAT(headers, SizeIs(1));
  const storage::v1::StagedUpload& resumable = headers[0].resumable();
  EXPECT_EQ(resumable.principal(), "alice");
  EXPECT_EQ(resumable.idempotency_key(), "key-1");
  EXPECT_EQ(resumable.item_id(), kItem);
  EXPECT_EQ(resumable.size_bytes(), 5);
  EXPECT_EQ(resumable.sha256_hex(), Sha256::Of("bytes"));
  EXPECT_EQ(FromProtoTimestamp(resumable.started_at()), HarnessStartTime());
  EXPECT_EQ(headers[0].resume_offset(), 0);
}

TEST_F(IntakeResumeTest, AResumedUploadKeepsItsFirstStartForVerdictAndRecord) {
  const std::string content = Patterned(300000);
  const absl::Time first_start = harness_.clock().Now();
  BreakAfter(content, 100000);

  // The student comes back ten minutes later, past the deadline.
  harness_.clock().Advance(absl::Minutes(10));
  grpc::Status queried;
  const intake::v1::QueryWriteStatusResponse held =
      Query("alice", "key-r", &queried);
  ASSERT_TRUE(queried.ok()) << queried.error_message();
  EXPECT_EQ(held.committed_size(), 100000);
  EXPECT_FALSE(held.complete());
  EXPECT_EQ(FromProtoTimestamp(held.started_at()), first_start);

  const UploadResult result = Resume(content, held.committed_size());
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  const common::v1::SubmissionRecord& receipt = result.response.submission();
  EXPECT_EQ(FromProtoTimestamp(receipt.started_at()), first_start);
  EXPECT_EQ(FromProtoTimestamp(receipt.completed_at()),
            first_start + absl::Minutes(10));
  EXPECT_EQ(harness_.storage().ContentOf(receipt.submission_id()), content);
  EXPECT_THAT(harness_.storage().committed(), SizeIs(1));
  // Every verdict, the resumed upload's pre-check and final one included,
  // was asked for the first start.
  const auto evaluations = harness_.deadline().evaluations();
  ASSERT_THAT(evaluations, SizeIs(3));
  for (const auto& evaluation : evaluations) {
    EXPECT_EQ(FromProtoTimestamp(evaluation.started_at()), first_start);
  }
  EXPECT_EQ(harness_.storage().headers().back().resume_offset(), 100000);

  // Now the key names the submission.
  const intake::v1::QueryWriteStatusResponse done =
      Query("alice", "key-r", &queried);
  EXPECT_TRUE(done.complete());
  EXPECT_EQ(done.committed_size(), 300000);
}

TEST_F(IntakeResumeTest, AWrongOffsetIsRefusedNamingTheOffsetHeld) {
  const std::string content = Patterned(5000);
  BreakAfter(content, 1200);
  const UploadResult result = Resume(content, 1000);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("intake holds 1200 bytes of this upload; resume from "
                        "1200"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  // The held bytes are still there to resume from.
  EXPECT_TRUE(Resume(content, 1200).status.ok());
}

TEST_F(IntakeResumeTest, AResumeOfNothingHeldSaysStartAgainFromZero) {
  const UploadResult result = Resume(Patterned(5000), 1000);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.status.error_message(), HasSubstr("start again from 0"));
}

TEST_F(IntakeResumeTest, AResumeWithoutAKeyIsInvalid) {
  const UploadResult result = Resume(Patterned(5000), 1000, kItem, "alice",
                                     /*key=*/"");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("idempotency key"));
}

TEST_F(IntakeResumeTest, AResumeOfOtherContentIsRefused) {
  const std::string content = Patterned(5000);
  BreakAfter(content, 1200);
  // Same key, a file that has changed since: other size, other SHA-256.
  UploadResult result = Resume(content + "more", 1200);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.status.error_message(), HasSubstr("start again from 0"));
  std::string changed = content;
  changed[4000] = '!';
  result = Resume(changed, 1200);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.status.error_message(), HasSubstr("SHA-256"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeResumeTest, AResumePastTheCompletionWindowIsRefused) {
  harness_.deadline().SetCompletionWindow(absl::Minutes(30));
  const std::string content = Patterned(5000);
  BreakAfter(content, 1200);
  harness_.clock().Advance(absl::Minutes(31));
  const UploadResult result = Resume(content, 1200);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("completion window (30m from the start) has passed"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeResumeTest, OnlyTheUploaderSeesWhatIsHeldUnderTheirKey) {
  BreakAfter(Patterned(5000), 1200);
  grpc::Status status;
  EXPECT_EQ(Query("alice", "key-r", &status).committed_size(), 1200);
  const intake::v1::QueryWriteStatusResponse other =
      Query("bob", "key-r", &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(other.committed_size(), 0);
  EXPECT_FALSE(other.complete());
  EXPECT_FALSE(other.has_started_at());
  // Nor can bob resume it.
  const UploadResult result =
      Resume(Patterned(5000), 1200, kItem, "bob", "key-r");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(IntakeResumeTest, QueryWriteStatusNeedsACallerAndAKey) {
  grpc::Status status;
  Query("", "key-r", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  Query("alice", "", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(IntakeResumeTest, AContentCheckedUploadResumesWithItsSpoolCopy) {
  harness_.deadline().SetContentRule(
      ContentRuleFrom(R"pb(media_types: "application/pdf" max_pages: 2)pb"));
  TempDir pdf_dir;
  inspect::testing::WritePdf(pdf_dir.File("p.pdf"), 2);
  const std::string pdf = ReadFileToString(pdf_dir.File("p.pdf")).value();
  const int64_t half = static_cast<int64_t>(pdf.size() / 2);
  BreakAfter(pdf, half, "project-proposal");
  // The copy of the first half waits for the resume.
  ASSERT_THAT(Spooled(), SizeIs(1));

  const UploadResult result = Resume(pdf, half, "project-proposal");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  // The inspector judged the whole file: its SHA-256 matched and it is a
  // PDF (neither half alone is).
  EXPECT_EQ(result.response.submission().media_type(), "application/pdf");
  EXPECT_EQ(harness_.storage().ContentOf(
                result.response.submission().submission_id()),
            pdf);
  EXPECT_THAT(Spooled(), IsEmpty());
}

TEST_F(IntakeResumeTest, AResumeWhoseSpoolCopyIsGoneMustStartAgain) {
  harness_.deadline().SetContentRule(
      ContentRuleFrom(R"pb(media_types: "application/pdf")pb"));
  const std::string content = Patterned(5000);
  BreakAfter(content, 1200, "project-proposal");
  for (const std::string& file : Spooled()) std::filesystem::remove(file);

  const UploadResult result = Resume(content, 1200, "project-proposal");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("intake no longer holds the first 1200 bytes of this "
                        "upload; start again from 0"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeResumeTest, ARefusedUploadLeavesNoSpoolCopy) {
  harness_.deadline().SetContentRule(
      ContentRuleFrom(R"pb(media_types: "application/pdf")pb"));
  const std::string content = Patterned(5000);
  BreakAfter(content, 1200, "project-proposal");
  // Resumed, then refused: not a PDF.
  const UploadResult result = Resume(content, 1200, "project-proposal");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Spooled(), IsEmpty());
}

TEST(IntakeSpoolSweep, CopiesLeftPastTheGracePeriodAreSweptAtStart) {
  TempDir dir;
  const std::string spool = dir.File("spool");
  std::filesystem::create_directories(spool);
  std::filesystem::permissions(spool, std::filesystem::perms::owner_all);
  const std::string stale = spool + "/resumable-stale";
  const std::string fresh = spool + "/resumable-fresh";
  std::ofstream(stale) << "left by an upload that was never resumed";
  std::ofstream(fresh) << "written within the grace period";
  // Written long before the harness's clock (2024) minus the grace.
  const timespec times[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, stale.c_str(), times, 0), 0);
  intake::IntakeOptions options = ContentOptions(spool);
  IntakeHarness harness(options);
  ASSERT_TRUE(harness.Start().ok());
  EXPECT_FALSE(std::filesystem::exists(stale));
  // The fresh file's time is today's, after the harness's 2024 clock.
  EXPECT_TRUE(std::filesystem::exists(fresh));
}

TEST(IntakeQueryWriteStatus, IsUnavailableWhenStorageCannotBeReached) {
  IntakeHarness harness;
  const std::string nowhere = IntakeHarness::Loopback(UnusedPort());
  ASSERT_TRUE(harness.StartIntake(nowhere, nowhere).ok());
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  intake::v1::QueryWriteStatusRequest request;
  request.set_course_id(kCourse);
  request.set_idempotency_key("key-r");
  intake::v1::QueryWriteStatusResponse response;
  const grpc::Status status =
      harness.NewIntakeStub()->QueryWriteStatus(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("storage service unreachable"));
}

}  // namespace
}  // namespace handin::testing
