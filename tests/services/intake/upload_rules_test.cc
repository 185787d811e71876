#include "services/intake/upload_rules.h"

#include <string>

#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handin::intake {
namespace {

using ::testing::HasSubstr;

v1::UploadMetadata GoodMetadata() {
  v1::UploadMetadata metadata;
  metadata.set_course_id("eecs598-w24");
  metadata.set_item_id("project-report");
  metadata.set_file_name("report.pdf");
  metadata.set_size_bytes(5);
  metadata.set_sha256_hex(Sha256::Of("hello"));
  return metadata;
}

common::v1::Chunk MakeChunk(int64_t offset, const std::string& data) {
  common::v1::Chunk chunk;
  chunk.set_offset(offset);
  chunk.set_data(data);
  return chunk;
}

TEST(CheckMessageOrder, MetadataMustComeFirstAndOnlyOnce) {
  v1::UploadRequest metadata;
  *metadata.mutable_metadata() = GoodMetadata();
  EXPECT_TRUE(CheckMessageOrder(UploadPhase::kAwaitingMetadata, metadata).ok());
  const absl::Status twice =
      CheckMessageOrder(UploadPhase::kReceivingChunks, metadata);
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(CheckMessageOrder, ChunkBeforeMetadataIsAFailedPrecondition) {
  v1::UploadRequest chunk;
  *chunk.mutable_chunk() = MakeChunk(0, "x");
  const absl::Status status =
      CheckMessageOrder(UploadPhase::kAwaitingMetadata, chunk);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("chunk before metadata"));
  EXPECT_TRUE(CheckMessageOrder(UploadPhase::kReceivingChunks, chunk).ok());
}

TEST(CheckMessageOrder, FinishBeforeMetadataAndEmptyMessagesAreRejected) {
  v1::UploadRequest finish;
  finish.mutable_finish();
  EXPECT_EQ(CheckMessageOrder(UploadPhase::kAwaitingMetadata, finish).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CheckMessageOrder(UploadPhase::kReceivingChunks, v1::UploadRequest())
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(ValidateMetadata, AcceptsWellFormedMetadataIncludingAnEmptyFile) {
  EXPECT_TRUE(ValidateMetadata(GoodMetadata(), 100).ok());
  v1::UploadMetadata empty = GoodMetadata();
  empty.set_size_bytes(0);
  empty.set_sha256_hex(Sha256::Of(""));
  EXPECT_TRUE(ValidateMetadata(empty, 100).ok());
}

TEST(ValidateMetadata, RejectsEachBadFieldNamingIt) {
  struct Case {
    void (*mutate)(v1::UploadMetadata&);
    const char* expected;
  };
  const Case cases[] = {
      {[](v1::UploadMetadata& m) { m.clear_course_id(); }, "course_id"},
      {[](v1::UploadMetadata& m) { m.clear_item_id(); }, "item_id"},
      {[](v1::UploadMetadata& m) { m.clear_file_name(); }, "file_name"},
      {[](v1::UploadMetadata& m) { m.set_file_name("../x.pdf"); },
       "not a base name"},
      {[](v1::UploadMetadata& m) { m.set_file_name(".."); }, "not a base name"},
      {[](v1::UploadMetadata& m) { m.set_file_name(std::string("a\0b", 3)); },
       "not a base name"},
      {[](v1::UploadMetadata& m) { m.set_size_bytes(-1); }, "size_bytes"},
      {[](v1::UploadMetadata& m) { m.set_sha256_hex("abc"); }, "sha256_hex"},
      {[](v1::UploadMetadata& m) { m.set_sha256_hex(std::string(64, 'A')); },
       "sha256_hex"},
  };
  for (const Case& c : cases) {
    v1::UploadMetadata metadata = GoodMetadata();
    c.mutate(metadata);
    const absl::Status status = ValidateMetadata(metadata, 100);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(status.message(), HasSubstr(c.expected));
  }
}

TEST(ValidateMetadata, FileOverTheLimitSaysBothSizes) {
  v1::UploadMetadata metadata = GoodMetadata();
  metadata.set_size_bytes(int64_t{612} << 20);
  const absl::Status status = ValidateMetadata(metadata, int64_t{512} << 20);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("file is 612 MiB"));
  EXPECT_THAT(status.message(), HasSubstr("at most 512 MiB"));
}

TEST(ValidateMetadata, IdempotencyKeysArePrintableAndBounded) {
  v1::UploadMetadata metadata = GoodMetadata();
  metadata.set_idempotency_key(std::string(128, 'k'));
  EXPECT_TRUE(ValidateMetadata(metadata, 1 << 20).ok());
  metadata.set_idempotency_key(std::string(129, 'k'));
  EXPECT_THAT(ValidateMetadata(metadata, 1 << 20).message(),
              HasSubstr("idempotency_key is 129 bytes"));
  metadata.set_idempotency_key("two words");
  EXPECT_EQ(ValidateMetadata(metadata, 1 << 20).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckReplay, OnlyTheSameItemSizeAndHashIsARetry) {
  v1::UploadMetadata metadata = GoodMetadata();
  metadata.set_idempotency_key("k1");
  common::v1::SubmissionRecord existing;
  existing.set_submission_id("s1");
  existing.set_item_id("project-report");
  existing.set_size_bytes(5);
  existing.set_sha256_hex(Sha256::Of("hello"));
  EXPECT_TRUE(CheckReplay(metadata, existing).ok());
  existing.set_sha256_hex(Sha256::Of("world"));
  const absl::Status other = CheckReplay(metadata, existing);
  EXPECT_EQ(other.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(other.message(), HasSubstr("\"k1\""));
  EXPECT_THAT(other.message(), HasSubstr(Sha256::Of("world")));
  EXPECT_THAT(other.message(), HasSubstr(Sha256::Of("hello")));
  existing.set_sha256_hex(Sha256::Of("hello"));
  existing.set_item_id("project-code");
  EXPECT_FALSE(CheckReplay(metadata, existing).ok());
}

TEST(IsRecordedRefusal, ProblemsWithTheUploadAreRecordedOutagesAreNot) {
  for (const absl::Status& refusal :
       {absl::InvalidArgumentError("x"), absl::FailedPreconditionError("x"),
        absl::DataLossError("x"), absl::AlreadyExistsError("x"),
        absl::NotFoundError("x"), absl::DeadlineExceededError("x")}) {
    EXPECT_TRUE(IsRecordedRefusal(refusal)) << refusal;
  }
  for (const absl::Status& other :
       {absl::OkStatus(), absl::CancelledError("x"),
        absl::UnavailableError("x"), absl::InternalError("x")}) {
    EXPECT_FALSE(IsRecordedRefusal(other)) << other;
  }
}

TEST(ChunkSequence, AcceptsContiguousChunksUpToTheDeclaredSize) {
  ChunkSequence chunks(/*declared_size=*/5, /*max_chunk_bytes=*/3);
  EXPECT_TRUE(chunks.Accept(MakeChunk(0, "hel")).ok());
  EXPECT_FALSE(chunks.CheckComplete().ok());
  EXPECT_TRUE(chunks.Accept(MakeChunk(3, "lo")).ok());
  EXPECT_EQ(chunks.received(), 5);
  EXPECT_TRUE(chunks.CheckComplete().ok());
}

TEST(ChunkSequence, AResumedUploadStartsAtItsOffset) {
  ChunkSequence chunks(/*declared_size=*/5, /*max_chunk_bytes=*/3,
                       /*start_offset=*/2);
  EXPECT_EQ(chunks.received(), 2);
  const absl::Status from_zero = chunks.Accept(MakeChunk(0, "he"));
  EXPECT_THAT(from_zero.message(), HasSubstr("expected 2, got 0"));
  EXPECT_TRUE(chunks.Accept(MakeChunk(2, "llo")).ok());
  EXPECT_TRUE(chunks.CheckComplete().ok());
}

TEST(ValidateMetadata, AResumeOffsetNeedsAKeyAndFitsTheFile) {
  v1::UploadMetadata metadata = GoodMetadata();
  metadata.set_idempotency_key("key-1");
  metadata.set_resume_offset(metadata.size_bytes());
  EXPECT_TRUE(ValidateMetadata(metadata, 1 << 20).ok());
  metadata.set_resume_offset(metadata.size_bytes() + 1);
  EXPECT_THAT(ValidateMetadata(metadata, 1 << 20).message(),
              HasSubstr("metadata.resume_offset is"));
  metadata.set_resume_offset(-1);
  EXPECT_EQ(ValidateMetadata(metadata, 1 << 20).code(),
            absl::StatusCode::kInvalidArgument);
  metadata.set_resume_offset(1);
  metadata.clear_idempotency_key();
  EXPECT_THAT(ValidateMetadata(metadata, 1 << 20).message(),
              HasSubstr("there is no idempotency key"));
}

TEST(ChunkSequence, WrongOffsetSaysWhatWasExpected) {
  ChunkSequence chunks(5, 3);
  ASSERT_TRUE(chunks.Accept(MakeChunk(0, "he")).ok());
  const absl::Status status = chunks.Accept(MakeChunk(3, "llo"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("expected 2, got 3"));
  EXPECT_EQ(chunks.received(), 2);  // A rejected chunk changes nothing.
}

TEST(ChunkSequence, OversizedChunksAndBytesBeyondTheDeclaredSizeAreRejected) {
  ChunkSequence chunks(5, 3);
  EXPECT_EQ(chunks.Accept(MakeChunk(0, "hell")).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(chunks.Accept(MakeChunk(0, "hel")).ok());
  const absl::Status status = chunks.Accept(MakeChunk(3, "lo!"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("larger than declared"));
}

TEST(ChunkSequence, TooFewBytesAtTheEndIsDataLoss) {
  ChunkSequence chunks(5, 3);
  ASSERT_TRUE(chunks.Accept(MakeChunk(0, "hel")).ok());
  const absl::Status status = chunks.CheckComplete();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("received 3 of the 5"));
}

TEST(VerdictAllowsUpload, LateVerdictsAreStoredAndRefusedOnesCarryTheReason) {
  common::v1::Verdict verdict;
  for (auto kind :
       {common::v1::VERDICT_KIND_ON_TIME, common::v1::VERDICT_KIND_LATE_COUNTED,
        common::v1::VERDICT_KIND_LATE_NOT_COUNTED}) {
    verdict.set_kind(kind);
    EXPECT_TRUE(VerdictAllowsUpload(verdict).ok()) << kind;
  }
  verdict.set_kind(common::v1::VERDICT_KIND_REFUSED);
  verdict.set_reason("the item opens on Mar 12");
  const absl::Status refused = VerdictAllowsUpload(verdict);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(), "the item opens on Mar 12");
  EXPECT_EQ(VerdictAllowsUpload(common::v1::Verdict()).code(),
            absl::StatusCode::kInternal);
}

TEST(PrecheckVerdictStands, OnlyAnOnTimeUploadCompletedWithinItsWindow) {
  const absl::Time start = absl::FromUnixSeconds(1714600000);
  const absl::Duration window = absl::Minutes(30);
  common::v1::Verdict verdict;
  verdict.set_kind(common::v1::VERDICT_KIND_ON_TIME);
  EXPECT_TRUE(PrecheckVerdictStands(verdict, window, start, start));
  // The policy's rule: completion counts only past the window.
  EXPECT_TRUE(PrecheckVerdictStands(verdict, window, start, start + window));
  EXPECT_FALSE(PrecheckVerdictStands(verdict, window, start,
                                     start + window + absl::Nanoseconds(1)));
  // No window known: deadline must judge the completion.
  EXPECT_FALSE(PrecheckVerdictStands(verdict, std::nullopt, start, start));
  EXPECT_FALSE(PrecheckVerdictStands(verdict, absl::ZeroDuration(), start,
                                     start + absl::Milliseconds(1)));
  for (auto kind : {common::v1::VERDICT_KIND_LATE_COUNTED,
                    common::v1::VERDICT_KIND_LATE_NOT_COUNTED,
                    common::v1::VERDICT_KIND_REFUSED,
                    common::v1::VERDICT_KIND_UNSPECIFIED}) {
    verdict.set_kind(kind);
    EXPECT_FALSE(PrecheckVerdictStands(verdict, window, start, start)) << kind;
  }
}

TEST(PeerError, UnreachablePeersBecomeUnavailableNamingThePeer) {
  const absl::Status status =
      PeerError("storage", absl::UnavailableError("connection refused"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(),
              HasSubstr("storage service unreachable: connection refused"));
  EXPECT_EQ(PeerError("deadline", absl::DeadlineExceededError("slow")).code(),
            absl::StatusCode::kUnavailable);
}

TEST(PeerError, AnswersAboutTheRequestPassThroughUnchanged) {
  const absl::Status not_found = absl::NotFoundError("no item \"x\"");
  EXPECT_EQ(PeerError("deadline", not_found), not_found);
  const absl::Status data_loss = absl::DataLossError("sha mismatch");
  EXPECT_EQ(PeerError("storage", data_loss), data_loss);
}

TEST(PeerError, DeploymentProblemsBecomeInternal) {
  EXPECT_EQ(PeerError("storage", absl::UnauthenticatedError("no cert")).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(PeerError("storage", absl::UnimplementedError("?")).code(),
            absl::StatusCode::kInternal);
  EXPECT_TRUE(PeerError("storage", absl::OkStatus()).ok());
}

TEST(HumanBytes, UsesTheLargestWholeUnit) {
  EXPECT_EQ(HumanBytes(1), "1 byte");
  EXPECT_EQ(HumanBytes(17), "17 bytes");
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(int64_t{512} << 20), "512 MiB");
}

}  // namespace
}  // namespace handin::intake
