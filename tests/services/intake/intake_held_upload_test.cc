// Small new uploads: held in intake's memory and stored with one
// StoreSubmission call at the finish; larger ones and resumes stream.

#include <string>

#include "absl/time/clock.h"
#include "common/metrics.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/services/intake/upload_messages.h"
#include "tests/testing/metric_sample.h"

namespace handin::intake {
namespace {

using ::handin::testing::Chunk;
using ::handin::testing::Finish;
using ::handin::testing::IntakeHarness;
using ::handin::testing::Metadata;
using ::handin::testing::SendUpload;
using ::handin::testing::UploadResult;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kHeldMax = 16;
constexpr absl::Duration kWait = absl::Seconds(10);

// File bytes intake has accepted from students in this process so far.
int64_t BytesIntakeTook() {
  return static_cast<int64_t>(
      ::handin::testing::MetricSample(metrics::Registry::Default().Exposition(),
                                      "handin_intake_received_bytes_total"));
}

class IntakeHeldUploadTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.Start().ok()); }

  static IntakeOptions HoldingUpTo16Bytes() {
    IntakeOptions options;
    options.held_upload_max_bytes = kHeldMax;
    return options;
  }

  IntakeHarness harness_{HoldingUpTo16Bytes(), /*hold_small_uploads=*/true};
};

TEST_F(IntakeHeldUploadTest, ASmallUploadIsStoredInOneCallWithoutAStream) {
  const std::string content = "sixteen bytes!!\n";
  ASSERT_EQ(content.size(), static_cast<size_t>(kHeldMax));
  // Sent in two chunks: intake holds both and stores them together.
  const UploadResult result =
      SendUpload(harness_,
                 {Metadata(content), Chunk(0, content.substr(0, 5)),
                  Chunk(5, content.substr(5)), Finish()},
                 "alice");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_FALSE(result.response.replayed());
  EXPECT_EQ(harness_.storage().ContentOf(
                result.response.submission().submission_id()),
            content);
  EXPECT_EQ(harness_.storage().stores_received(), 1);
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
  EXPECT_THAT(harness_.storage().headers(), IsEmpty());
}

TEST_F(IntakeHeldUploadTest, ALargerUploadStreamsAsItArrives) {
  const std::string content = "seventeen bytes!\n";
  ASSERT_EQ(content.size(), static_cast<size_t>(kHeldMax + 1));
  const UploadResult result = SendUpload(
      harness_, {Metadata(content), Chunk(0, content), Finish()}, "alice");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(harness_.storage().stores_received(), 0);
  EXPECT_EQ(harness_.storage().streams_opened(), 1);
  EXPECT_THAT(harness_.storage().headers(), SizeIs(1));
}

TEST_F(IntakeHeldUploadTest, AResumeStreamsHoweverSmall) {
  storage::v1::StagedUpload staged;
  staged.set_course_id(::handin::testing::kCourse);
  staged.set_principal("alice");
  staged.set_idempotency_key("key-1");
  staged.set_item_id(::handin::testing::kItem);
  staged.set_size_bytes(5);
  staged.set_sha256_hex(Sha256::Of("hello"));
  *staged.mutable_started_at() =
      ToProtoTimestamp(::handin::testing::HarnessStartTime());
  harness_.storage().SeedStaged(staged, "he");
  v1::UploadRequest metadata = Metadata("hello");
  metadata.mutable_metadata()->set_resume_offset(2);
  const UploadResult result =
      SendUpload(harness_, {metadata, Chunk(2, "llo"), Finish()}, "alice");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(harness_.storage().ContentOf(
                result.response.submission().submission_id()),
            "hello");
  EXPECT_EQ(harness_.storage().stores_received(), 0);
  ASSERT_THAT(harness_.storage().headers(), SizeIs(1));
  EXPECT_EQ(harness_.storage().headers()[0].resume_offset(), 2);
}

TEST_F(IntakeHeldUploadTest, ARetryOfAHeldUploadIsReplayedByStorage) {
  const std::string content = "answer: 42\n";
  ASSERT_TRUE(SendUpload(harness_,
                         {Metadata(content), Chunk(0, content), Finish()},
                         "alice")
                  .status.ok());
  // The lost-receipt case: intake did not find the key up front, so the
  // bytes come again and storage answers with the first record.
  harness_.storage().LoseNextCommitResponse();
  const UploadResult lost =
      SendUpload(harness_,
                 {Metadata("other\n", "project-report", "key-2"),
                  Chunk(0, "other\n"), Finish()},
                 "alice");
  EXPECT_EQ(lost.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  const UploadResult retry =
      SendUpload(harness_,
                 {Metadata("other\n", "project-report", "key-2"),
                  Chunk(0, "other\n"), Finish()},
                 "alice");
  ASSERT_TRUE(retry.status.ok()) << retry.status.error_message();
  EXPECT_TRUE(retry.response.replayed());
  EXPECT_THAT(harness_.storage().committed(), SizeIs(2));
}

TEST_F(IntakeHeldUploadTest, BadHeldBytesAreRefusedAndRecordedStoringNothing) {
  // A chunk at the wrong offset, found as it is read.
  const UploadResult misplaced = SendUpload(
      harness_, {Metadata("hello"), Chunk(1, "hello"), Finish()}, "alice");
  EXPECT_EQ(misplaced.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(misplaced.status.error_message(), HasSubstr("expected 0"));
  // Bytes that are not what the metadata declared, found by storage.
  const UploadResult changed = SendUpload(
      harness_, {Metadata("hello"), Chunk(0, "jello"), Finish()}, "alice");
  EXPECT_EQ(changed.status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(2));
  EXPECT_EQ(harness_.storage().refusals()[0].code(), "INVALID_ARGUMENT");
  EXPECT_EQ(harness_.storage().refusals()[1].code(), "DATA_LOSS");
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
}

// Answers the pre-check with `precheck` and the finish with `final_kind`.
void JudgeFinishAs(::handin::testing::FakeDeadlineService& deadline,
                   common::v1::VerdictKind precheck,
                   common::v1::VerdictKind final_kind) {
  deadline.SetHandler(
      [precheck, final_kind](const deadline::v1::EvaluateRequest& request,
                             deadline::v1::EvaluateResponse* response) {
        response->mutable_verdict()->set_kind(
            request.has_completed_at() ? final_kind : precheck);
        response->mutable_verdict()->set_reason("judged for the test");
        return grpc::Status::OK;
      });
}

TEST_F(IntakeHeldUploadTest, ALateHeldUploadIsJudgedAgainAndStoredInOneCall) {
  // An extension granted while the upload ran makes it count.
  JudgeFinishAs(harness_.deadline(), common::v1::VERDICT_KIND_LATE_NOT_COUNTED,
                common::v1::VERDICT_KIND_LATE_COUNTED);
  const UploadResult result = SendUpload(
      harness_, {Metadata("hello"), Chunk(0, "hello"), Finish()}, "alice");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response.submission().verdict().kind(),
            common::v1::VERDICT_KIND_LATE_COUNTED);
  const auto evaluations = harness_.deadline().evaluations();
  ASSERT_THAT(evaluations, SizeIs(2));
  EXPECT_TRUE(evaluations[1].has_completed_at());
  EXPECT_EQ(harness_.storage().stores_received(), 1);
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
}

TEST_F(IntakeHeldUploadTest, AHeldUploadRefusedAtTheFinishIsRecordedNotStored) {
  JudgeFinishAs(harness_.deadline(), common::v1::VERDICT_KIND_LATE_COUNTED,
                common::v1::VERDICT_KIND_REFUSED);
  const UploadResult result = SendUpload(
      harness_, {Metadata("hello"), Chunk(0, "hello"), Finish()}, "alice");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(result.status.error_message(), "judged for the test");
  EXPECT_EQ(harness_.storage().stores_received(), 0);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].code(), "FAILED_PRECONDITION");
}

TEST_F(IntakeHeldUploadTest, ABrokenHeldUploadIsStagedAndResumesFromItsStart) {
  const absl::Time first_start = harness_.clock().Now();
  const int64_t taken_before = BytesIntakeTook();
  {
    grpc::ClientContext context;
    ::handin::testing::AttachStudent(context, "alice");
    v1::UploadResponse response;
    auto stub = harness_.NewIntakeStub();
    auto writer = stub->Upload(&context, &response);
    ASSERT_TRUE(writer->Write(Metadata("hello")));
    ASSERT_TRUE(writer->Write(Chunk(0, "hel")));
    // Once intake holds the chunk, the connection drops.
    for (int i = 0; i < 1000 && BytesIntakeTook() < taken_before + 3; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_EQ(BytesIntakeTook(), taken_before + 3);
    context.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // Intake stages what it held, as a broken stream leaves it.
  ASSERT_TRUE(harness_.storage().WaitForClosedStreams(1, kWait));
  EXPECT_EQ(harness_.storage().stores_received(), 0);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  const auto staged = harness_.storage().StagedUploadOf(
      ::handin::testing::kCourse, "alice", "key-1");
  ASSERT_TRUE(staged.has_value());
  EXPECT_EQ(staged->staged_bytes(), 3);

  // Past the deadline, the resume keeps the first start.
  harness_.clock().Advance(absl::Minutes(10));
  v1::UploadRequest metadata = Metadata("hello");
  metadata.mutable_metadata()->set_resume_offset(3);
  const UploadResult resumed =
      SendUpload(harness_, {metadata, Chunk(3, "lo"), Finish()}, "alice");
  ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
  EXPECT_EQ(FromProtoTimestamp(resumed.response.submission().started_at()),
            first_start);
  EXPECT_EQ(harness_.storage().ContentOf(
                resumed.response.submission().submission_id()),
            "hello");
}

TEST_F(IntakeHeldUploadTest, AHeldUploadWithoutAKeyCancelledStoresNothing) {
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto writer = stub->Upload(&context, &response);
  ASSERT_TRUE(writer->Write(Metadata("hello", ::handin::testing::kItem, "")));
  ASSERT_TRUE(writer->Write(Chunk(0, "hello")));
  ASSERT_TRUE(harness_.deadline().WaitForEvaluations(1, kWait));
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(harness_.storage().stores_received(), 0);
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

}  // namespace
}  // namespace handin::intake
