// Intake's evidence: retries answered from the idempotency key, and refused
// uploads recorded with storage and listed for their student only.
#include <string>
#include <vector>

#include "common/caller.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/refusals.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/services/intake/upload_messages.h"

namespace handin::intake {
namespace {

using ::handin::common::v1::RefusedAttempt;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::testing::Chunk;
using ::handin::testing::Finish;
using ::handin::testing::HarnessStartTime;
using ::handin::testing::IntakeHarness;
using ::handin::testing::kCourse;
using ::handin::testing::kItem;
using ::handin::testing::Metadata;
using ::handin::testing::SendUpload;
using ::handin::testing::UploadResult;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::SizeIs;

constexpr char kContent[] = "Final report, 8 pages.\n";

class IntakeEvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.Start().ok()); }

  UploadResult Upload(const std::vector<v1::UploadRequest>& messages,
                      const std::string& user = "alice") {
    return SendUpload(harness_, messages, user);
  }

  // A whole upload of `content` with idempotency key `key`.
  UploadResult UploadAll(const std::string& content,
                         const std::string& key = "key-1",
                         const std::string& user = "alice") {
    return Upload({Metadata(content, kItem, key), Chunk(0, content), Finish()},
                  user);
  }

  v1::ListMySubmissionsResponse ListMine(const std::string& user) {
    grpc::ClientContext context;
    ::handin::testing::AttachStudent(context, user);
    v1::ListMySubmissionsRequest request;
    request.set_course_id(kCourse);
    v1::ListMySubmissionsResponse response;
    const grpc::Status status = harness_.NewIntakeStub()->ListMySubmissions(
        &context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  IntakeHarness harness_;
};

TEST_F(IntakeEvidenceTest, ARetryGetsTheOriginalReceiptWithoutTheBytes) {
  const UploadResult first = UploadAll(kContent);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_FALSE(first.response.replayed());
  const size_t evaluations = harness_.deadline().evaluations().size();
  harness_.clock().Advance(absl::Hours(1));

  // The retry sends its metadata only: intake answers before any byte.
  const UploadResult retry = Upload({Metadata(kContent)});
  ASSERT_TRUE(retry.status.ok()) << retry.status.error_message();
  EXPECT_TRUE(retry.response.replayed());
  EXPECT_EQ(retry.response.submission().SerializeAsString(),
            first.response.submission().SerializeAsString());
  EXPECT_EQ(harness_.storage().committed().size(), 1u);
  EXPECT_EQ(harness_.storage().streams_opened(), 1);
  // Judged once: the receipt keeps its original verdict.
  EXPECT_EQ(harness_.deadline().evaluations().size(), evaluations);
  EXPECT_THAT(harness_.storage().refusals(), IsEmpty());
}

TEST_F(IntakeEvidenceTest, TheSameKeyWithOtherContentIsRefusedAndRecorded) {
  ASSERT_TRUE(UploadAll(kContent).status.ok());
  const std::string other = "Another report.\n";
  const UploadResult conflict = UploadAll(other);
  EXPECT_EQ(conflict.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(conflict.status.error_message(),
              AllOf(HasSubstr("key-1"), HasSubstr(Sha256::Of(kContent)),
                    HasSubstr(Sha256::Of(other))));
  EXPECT_EQ(harness_.storage().committed().size(), 1u);
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].code(), "ALREADY_EXISTS");
  // Another student's key is theirs alone.
  EXPECT_TRUE(UploadAll(other, "key-1", "bob").status.ok());
}

TEST_F(IntakeEvidenceTest, AnUploadWhoseReceiptWasLostIsRecoveredByARetry) {
  harness_.storage().LoseNextCommitResponse();
  const UploadResult lost = UploadAll(kContent);
  EXPECT_EQ(lost.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  // An outage is not the student's refusal.
  EXPECT_THAT(harness_.storage().refusals(), IsEmpty());

  const UploadResult retry = UploadAll(kContent);
  ASSERT_TRUE(retry.status.ok()) << retry.status.error_message();
  EXPECT_TRUE(retry.response.replayed());
  ASSERT_EQ(harness_.storage().committed().size(), 1u);
  EXPECT_EQ(retry.response.submission().submission_id(),
            harness_.storage().committed()[0].submission_id());
}

TEST_F(IntakeEvidenceTest, ARefusedVerdictIsRecordedWithEveryFact) {
  harness_.deadline().SetVerdict(VERDICT_KIND_REFUSED,
                                 "project-report is not open yet");
  harness_.clock().Advance(absl::Seconds(3));
  const UploadResult refused = UploadAll(kContent);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  const RefusedAttempt attempt = harness_.storage().refusals()[0];
  EXPECT_EQ(attempt.course_id(), kCourse);
  EXPECT_EQ(attempt.item_id(), kItem);
  EXPECT_EQ(attempt.principal(), "alice");
  EXPECT_EQ(attempt.file_name(), "report.pdf");
  EXPECT_EQ(attempt.declared_size_bytes(),
            static_cast<int64_t>(sizeof(kContent) - 1));
  EXPECT_EQ(attempt.declared_sha256_hex(), Sha256::Of(kContent));
  EXPECT_EQ(attempt.bytes_received(), 0);
  EXPECT_EQ(FromProtoTimestamp(attempt.started_at()),
            HarnessStartTime() + absl::Seconds(3));
  EXPECT_EQ(FromProtoTimestamp(attempt.refused_at()),
            HarnessStartTime() + absl::Seconds(3));
  EXPECT_EQ(attempt.code(), "FAILED_PRECONDITION");
  EXPECT_THAT(attempt.reason(), HasSubstr("not open yet"));
  EXPECT_EQ(attempt.idempotency_key(), "key-1");
  EXPECT_TRUE(harness_.storage().committed().empty());
}

TEST_F(IntakeEvidenceTest, ABadOffsetIsRecordedWithTheBytesReceived) {
  const std::string content = kContent;
  const UploadResult result =
      Upload({Metadata(content), Chunk(0, content.substr(0, 10)),
              Chunk(5, content.substr(10)), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].bytes_received(), 10);
  EXPECT_THAT(harness_.storage().refusals()[0].reason(),
              HasSubstr("expected 10, got 5"));
}

TEST_F(IntakeEvidenceTest, AHashMismatchIsRecordedAsDataLoss) {
  v1::UploadRequest metadata = Metadata(kContent);
  metadata.mutable_metadata()->set_sha256_hex(Sha256::Of("something else"));
  const UploadResult result = Upload({metadata, Chunk(0, kContent), Finish()});
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::DATA_LOSS);
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].code(), "DATA_LOSS");
}

TEST_F(IntakeEvidenceTest, RecordRefusalSkipsCancellationsAndOutages) {
  auto storage = storage::v1::StorageService::NewStub(CreateTokenChannel(
      harness_.storage_address(), grpc::InsecureChannelCredentials(),
      ::handin::testing::HarnessAuth().ServiceToken("intake")));
  const v1::UploadMetadata metadata = Metadata(kContent).metadata();
  const AttemptFacts facts{&metadata, "alice", 3, HarnessStartTime(),
                           HarnessStartTime()};
  for (const absl::Status& not_a_refusal :
       {absl::CancelledError("the client cancelled"),
        absl::UnavailableError("storage service unreachable"),
        absl::InternalError("deadline service misconfigured")}) {
    EXPECT_TRUE(
        RecordRefusal(*storage, absl::Seconds(10), facts, not_a_refusal).ok());
  }
  EXPECT_THAT(harness_.storage().refusals(), IsEmpty());
  EXPECT_TRUE(RecordRefusal(*storage, absl::Seconds(10), facts,
                            absl::InvalidArgumentError("content check: bad"))
                  .ok());
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].reason(), "content check: bad");
}

TEST_F(IntakeEvidenceTest, EachStudentSeesOnlyTheirOwnRefusals) {
  harness_.deadline().SetVerdict(VERDICT_KIND_REFUSED, "not yours to submit");
  EXPECT_FALSE(UploadAll(kContent, "a", "alice").status.ok());
  EXPECT_FALSE(UploadAll(kContent, "b", "bob").status.ok());
  EXPECT_FALSE(UploadAll(kContent, "c", "bob").status.ok());

  const v1::ListMySubmissionsResponse alice = ListMine("alice");
  EXPECT_THAT(alice.submissions(), IsEmpty());
  EXPECT_THAT(alice.refused(),
              ElementsAre(Property(&RefusedAttempt::principal, "alice")));
  EXPECT_THAT(ListMine("bob").refused(), SizeIs(2));
  EXPECT_THAT(ListMine("carol").refused(), IsEmpty());
}

}  // namespace
}  // namespace handin::intake
