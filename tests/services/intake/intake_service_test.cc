#include "services/intake/intake_service.h"

#include <memory>
#include <string>
#include <vector>

#include "common/caller.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/services/intake/upload_messages.h"
#include "tests/testing/ports.h"

namespace handin::intake {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::testing::Chunk;
using ::handin::testing::Finish;
using ::handin::testing::IntakeHarness;
using ::handin::testing::kCourse;
using ::handin::testing::kItem;
using ::handin::testing::Metadata;
using ::handin::testing::SendUpload;
using ::handin::testing::UploadResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;

constexpr absl::Duration kWait = absl::Seconds(10);

using ::handin::testing::UnusedPort;

class IntakeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.Start().ok()); }

  // Sends `messages` as one Upload by `user` (none when empty) to `intake`
  // (default: the fixture's), stopping early if intake ends the stream.
  UploadResult Upload(const std::vector<v1::UploadRequest>& messages,
                      const std::string& user = "alice",
                      IntakeHarness* intake = nullptr) {
    return SendUpload(intake != nullptr ? *intake : harness_, messages, user);
  }

  IntakeHarness harness_;
};

TEST_F(IntakeServiceTest, UploadReturnsAReceiptStampedWhenTheMetadataArrived) {
  const std::string content = "Final report, 8 pages.\n";
  const absl::Time started = harness_.clock().Now();
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto writer = stub->Upload(&context, &response);
  ASSERT_TRUE(writer->Write(Metadata(content)));
  // The pre-check shows intake has taken the metadata; the upload then
  // takes five minutes, across the deadline.
  ASSERT_TRUE(harness_.deadline().WaitForEvaluations(1, kWait));
  harness_.clock().Advance(absl::Minutes(5));
  ASSERT_TRUE(writer->Write(Chunk(0, content.substr(0, 10))));
  ASSERT_TRUE(writer->Write(Chunk(10, content.substr(10))));
  ASSERT_TRUE(writer->Write(Finish()));
  writer->WritesDone();
  const grpc::Status status = writer->Finish();

  ASSERT_TRUE(status.ok()) << status.error_message();
  const SubmissionRecord& receipt = response.submission();
  EXPECT_EQ(receipt.submission_id(), "sub-000001");
  EXPECT_EQ(receipt.course_id(), kCourse);
  EXPECT_EQ(receipt.item_id(), kItem);
  EXPECT_EQ(receipt.principal(), "alice");
  EXPECT_EQ(receipt.file_name(), "report.pdf");
  EXPECT_EQ(receipt.size_bytes(), static_cast<int64_t>(content.size()));
  EXPECT_EQ(receipt.sha256_hex(), Sha256::Of(content));
  EXPECT_EQ(receipt.idempotency_key(), "key-1");
  EXPECT_EQ(FromProtoTimestamp(receipt.started_at()), started);
  EXPECT_EQ(FromProtoTimestamp(receipt.completed_at()),
            started + absl::Minutes(5));
  EXPECT_EQ(receipt.verdict().kind(), VERDICT_KIND_ON_TIME);
  EXPECT_EQ(harness_.storage().ContentOf("sub-000001"), content);

  // Pre-check without completed_at, then the final verdict with both.
  const auto evaluations = harness_.deadline().evaluations();
  ASSERT_EQ(evaluations.size(), 2u);
  EXPECT_EQ(evaluations[0].principal(), "alice");
  EXPECT_EQ(FromProtoTimestamp(evaluations[0].started_at()), started);
  EXPECT_FALSE(evaluations[0].has_completed_at());
  EXPECT_EQ(FromProtoTimestamp(evaluations[1].started_at()), started);
  EXPECT_EQ(FromProtoTimestamp(evaluations[1].completed_at()),
            started + absl::Minutes(5));
}

TEST_F(IntakeServiceTest, ManyChunksAreStoredInOrder) {
  std::string content;
  for (int i = 0; content.size() < (size_t{5} << 19); ++i) {
    content += std::to_string(i) + ",";
  }
  std::vector<v1::UploadRequest> messages = {Metadata(content)};
  const size_t kChunk = size_t{1} << 20;
  for (size_t offset = 0; offset < content.size(); offset += kChunk) {
    messages.push_back(
        Chunk(static_cast<int64_t>(offset), content.substr(offset, kChunk)));
  }
  messages.push_back(Finish());
  const UploadResult result = Upload(messages);
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(harness_.storage().ContentOf(
                result.response.submission().submission_id()),
            content);
}

TEST_F(IntakeServiceTest, ChunkBeforeMetadataIsAFailedPrecondition) {
  const UploadResult result = Upload({Chunk(0, "hello"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("chunk before metadata"));
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
}

TEST_F(IntakeServiceTest, WrongOffsetIsAnInvalidArgumentAndNothingIsStored) {
  const std::string content = "hello, world";
  const UploadResult result = Upload(
      {Metadata(content), Chunk(0, "hello"), Chunk(7, ", world"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("chunk offset is wrong: expected 5, got 7"));
  EXPECT_TRUE(harness_.storage().WaitForClosedStreams(1, kWait));
  EXPECT_EQ(harness_.storage().streams_cancelled(), 1);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeServiceTest, MoreBytesThanDeclaredIsAnInvalidArgument) {
  const UploadResult result =
      Upload({Metadata("hello"), Chunk(0, "hello!"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("larger than declared"));
  EXPECT_TRUE(harness_.storage().WaitForClosedStreams(1, kWait));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeServiceTest, FewerBytesThanDeclaredIsDataLoss) {
  const UploadResult result =
      Upload({Metadata("hello"), Chunk(0, "hel"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeServiceTest, HashMismatchIsDataLossAndNothingIsCommitted) {
  v1::UploadRequest metadata = Metadata("hello");
  const UploadResult result = Upload({metadata, Chunk(0, "jello"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(result.status.error_message(), HasSubstr("SHA-256"));
  EXPECT_EQ(harness_.storage().streams_opened(), 1);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeServiceTest,
       RefusedVerdictIsAFailedPreconditionAndNeverOpensStorage) {
  harness_.deadline().SetVerdict(
      VERDICT_KIND_REFUSED, "slides/2024-03-19 is owed by its presenter group");
  const UploadResult result =
      Upload({Metadata("hello"), Chunk(0, "hello"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(result.status.error_message(),
            "slides/2024-03-19 is owed by its presenter group");
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
}

TEST_F(IntakeServiceTest, RefusedFinalVerdictCommitsNothing) {
  harness_.deadline().SetHandler(
      [](const deadline::v1::EvaluateRequest& request,
         deadline::v1::EvaluateResponse* response) {
        response->mutable_verdict()->set_kind(request.has_completed_at()
                                                  ? VERDICT_KIND_REFUSED
                                                  : VERDICT_KIND_ON_TIME);
        response->mutable_verdict()->set_reason("content is not a PDF");
        return grpc::Status::OK;
      });
  const UploadResult result =
      Upload({Metadata("hello"), Chunk(0, "hello"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(result.status.error_message(), "content is not a PDF");
  EXPECT_TRUE(harness_.storage().WaitForClosedStreams(1, kWait));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

// Sends the metadata, then, once deadline has been asked the pre-check, moves
// the clock on by `upload_takes` before the content and the finish.
UploadResult UploadTaking(IntakeHarness& harness, absl::Duration upload_takes) {
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  UploadResult result;
  auto stub = harness.NewIntakeStub();
  auto writer = stub->Upload(&context, &result.response);
  writer->Write(Metadata("hello"));
  if (harness.deadline().WaitForEvaluations(1, kWait)) {
    harness.clock().Advance(upload_takes);
    writer->Write(Chunk(0, "hello"));
    writer->Write(Finish());
  }
  writer->WritesDone();
  result.status = writer->Finish();
  return result;
}

TEST_F(IntakeServiceTest, AnOnTimeUploadCompletedWithinItsWindowIsJudgedOnce) {
  harness_.deadline().SetCompletionWindow(absl::Minutes(30));
  harness_.deadline().SetVerdict(VERDICT_KIND_ON_TIME,
                                 "started 17:59: on time");
  const UploadResult result = UploadTaking(harness_, absl::Minutes(30));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response.submission().verdict().kind(),
            VERDICT_KIND_ON_TIME);
  EXPECT_EQ(result.response.submission().verdict().reason(),
            "started 17:59: on time");
  // The pre-check's verdict stands: deadline is not asked again.
  const auto evaluations = harness_.deadline().evaluations();
  ASSERT_EQ(evaluations.size(), 1u);
  EXPECT_FALSE(evaluations[0].has_completed_at());
}

TEST_F(IntakeServiceTest, AnUploadCompletedPastItsWindowIsJudgedAgain) {
  harness_.deadline().SetCompletionWindow(absl::Minutes(30));
  harness_.deadline().SetHandler(
      [](const deadline::v1::EvaluateRequest& request,
         deadline::v1::EvaluateResponse* response) {
        response->mutable_verdict()->set_kind(request.has_completed_at()
                                                  ? VERDICT_KIND_LATE_COUNTED
                                                  : VERDICT_KIND_ON_TIME);
        return grpc::Status::OK;
      });
  const UploadResult result =
      UploadTaking(harness_, absl::Minutes(30) + absl::Seconds(1));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response.submission().verdict().kind(),
            VERDICT_KIND_LATE_COUNTED);
  const auto evaluations = harness_.deadline().evaluations();
  ASSERT_EQ(evaluations.size(), 2u);
  EXPECT_TRUE(evaluations[1].has_completed_at());
}

TEST_F(IntakeServiceTest, ALatePrecheckIsJudgedAgainAtTheFinish) {
  harness_.deadline().SetCompletionWindow(absl::Minutes(30));
  harness_.deadline().SetVerdict(VERDICT_KIND_LATE_NOT_COUNTED, "late");
  const UploadResult result = UploadTaking(harness_, absl::Seconds(1));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  // Late days and extensions may have changed since the pre-check.
  EXPECT_EQ(harness_.deadline().evaluations().size(), 2u);
}

TEST_F(IntakeServiceTest, LateNotCountedSubmissionsAreStillStored) {
  harness_.deadline().SetVerdict(VERDICT_KIND_LATE_NOT_COUNTED,
                                 "late summaries are not counted");
  const UploadResult result =
      Upload({Metadata("hello"), Chunk(0, "hello"), Finish()});
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.response.submission().verdict().kind(),
            VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(harness_.storage().committed().size(), 1u);
}

TEST_F(IntakeServiceTest, UnknownItemNotFoundIsPassedThrough) {
  harness_.deadline().SetError(grpc::Status(
      grpc::StatusCode::NOT_FOUND, "no item \"nope\" in course eecs598-w24"));
  const UploadResult result =
      Upload({Metadata("hello", "nope"), Chunk(0, "hello"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(result.status.error_message(),
            "no item \"nope\" in course eecs598-w24");
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
}

TEST_F(IntakeServiceTest, UploadWithoutIdentityIsUnauthenticated) {
  const UploadResult result =
      Upload({Metadata("hello"), Chunk(0, "hello"), Finish()}, /*user=*/"");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(harness_.deadline().evaluations(), IsEmpty());
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
}

TEST_F(IntakeServiceTest, MetadataThatIsNotABaseNameIsRejectedBeforeAnyCall) {
  v1::UploadRequest metadata = Metadata("hello");
  metadata.mutable_metadata()->set_file_name("../../etc/passwd");
  const UploadResult result = Upload({metadata, Chunk(0, "hello"), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("not a base name"));
  EXPECT_THAT(harness_.deadline().evaluations(), IsEmpty());
}

TEST_F(IntakeServiceTest, FileOverTheSizeLimitIsRejectedBeforeAnyByteIsStored) {
  v1::UploadRequest metadata = Metadata("hello");
  metadata.mutable_metadata()->set_size_bytes(int64_t{600} << 20);
  const UploadResult result = Upload({metadata, Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("at most 512 MiB"));
  EXPECT_EQ(harness_.storage().streams_opened(), 0);
}

TEST_F(IntakeServiceTest, StreamEndingWithoutFinishCommitsNothing) {
  const UploadResult result = Upload({Metadata("hello"), Chunk(0, "hello")});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(result.status.error_message(), HasSubstr("without a finish"));
  EXPECT_TRUE(harness_.storage().WaitForClosedStreams(1, kWait));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeServiceTest, ClientCancelMidStreamCommitsNothing) {
  const std::string content(256 * 1024, 'x');
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto writer = stub->Upload(&context, &response);
  ASSERT_TRUE(writer->Write(Metadata(content)));
  ASSERT_TRUE(writer->Write(Chunk(0, content.substr(0, 64 * 1024))));
  ASSERT_TRUE(harness_.storage().WaitForBytes(64 * 1024, kWait));
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // Intake cancels its storage stream in turn; storage ends it uncommitted.
  EXPECT_TRUE(harness_.storage().WaitForClosedStreams(1, kWait));
  EXPECT_EQ(harness_.storage().streams_cancelled(), 1);
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(IntakeServiceTest, UnreachableStorageIsUnavailableNamingStorage) {
  IntakeHarness storage_down;
  ASSERT_TRUE(storage_down
                  .StartIntake(harness_.deadline_address(),
                               IntakeHarness::Loopback(UnusedPort()))
                  .ok());
  const UploadResult result = Upload(
      {Metadata("hello"), Chunk(0, "hello"), Finish()}, "alice", &storage_down);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("storage service unreachable"));
}

TEST_F(IntakeServiceTest, UnreachableDeadlineIsUnavailableNamingDeadline) {
  IntakeHarness deadline_down;
  ASSERT_TRUE(deadline_down
                  .StartIntake(IntakeHarness::Loopback(UnusedPort()),
                               IntakeHarness::Loopback(UnusedPort()))
                  .ok());
  const UploadResult result =
      Upload({Metadata("hello"), Chunk(0, "hello"), Finish()}, "alice",
             &deadline_down);
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(result.status.error_message(),
              HasSubstr("deadline service unreachable"));
}

TEST_F(IntakeServiceTest, ListMySubmissionsReturnsOnlyTheCallersOwn) {
  const auto seed = [this](const std::string& course, const std::string& who,
                           const std::string& item) {
    SubmissionRecord record;
    record.set_course_id(course);
    record.set_principal(who);
    record.set_item_id(item);
    return harness_.storage().Seed(record, "bytes");
  };
  const std::string first = seed(kCourse, "alice", "proposal");
  seed(kCourse, "bob", "proposal");
  seed("eecs000-w24", "alice", "proposal");
  const std::string second = seed(kCourse, "alice", kItem);

  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  v1::ListMySubmissionsRequest request;
  request.set_course_id(kCourse);
  v1::ListMySubmissionsResponse response;
  const grpc::Status status =
      harness_.NewIntakeStub()->ListMySubmissions(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.submissions(),
              ElementsAre(Property(&SubmissionRecord::submission_id, first),
                          Property(&SubmissionRecord::submission_id, second)));
}

TEST_F(IntakeServiceTest, ListMySubmissionsWithoutIdentityIsUnauthenticated) {
  grpc::ClientContext context;
  v1::ListMySubmissionsRequest request;
  request.set_course_id(kCourse);
  v1::ListMySubmissionsResponse response;
  const grpc::Status status =
      harness_.NewIntakeStub()->ListMySubmissions(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace handin::intake
