// Resumable uploads on the store: staging, resume, restart, the one-stream
// rule and the checks of a resumed header and its commit.

#include <memory>
#include <string>

#include "common/proto_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"
#include "services/storage/submission_store.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::testing::CountKeys;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kCourse[] = "eecs598-w24";
constexpr char kKey[] = "upload-7f3a";
constexpr size_t kChunk = 64 << 10;

class ResumableUploadTest : public ::testing::Test {
 protected:
  ResumableUploadTest() : bytes_(TestBytes(4 * kChunk + 100, 3)) { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // The header of a resumable upload of bytes_ by ann.
  v1::PutHeader Header(int64_t resume_offset = 0) const {
    return testing::ResumableHeader(Record(), started_at_, resume_offset);
  }

  SubmissionRecord Record() const {
    SubmissionRecord record =
        RecordFor(kCourse, "project-report", "ann", bytes_);
    record.set_idempotency_key(kKey);
    return record;
  }

  // Appends bytes_[from, to) in kChunk chunks.
  void Send(Upload& upload, size_t from, size_t to) {
    for (size_t offset = from; offset < to; offset += kChunk) {
      absl::Status sent = store_->AppendChunk(
          upload, static_cast<int64_t>(offset),
          bytes_.substr(offset, std::min(kChunk, to - offset)));
      ASSERT_TRUE(sent.ok()) << sent;
    }
  }

  // Starts a resumable upload, sends its first `staged` bytes and breaks
  // off (Release, as a broken stream does).
  void StageAndBreak(size_t staged) {
    auto upload = store_->BeginUpload(Header());
    ASSERT_TRUE(upload.ok()) << upload.status();
    Send(**upload, 0, staged);
    ASSERT_TRUE(store_->Release(**upload).ok());
  }

  std::string ReadAll(const std::string& submission_id) {
    auto reader = store_->OpenBlob(kCourse, submission_id, 1 << 20);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return "";
    std::string out;
    while (true) {
      absl::StatusOr<std::string> piece = (*reader)->Next();
      EXPECT_TRUE(piece.ok()) << piece.status();
      if (!piece.ok() || piece->empty()) return out;
      out += *piece;
    }
  }

  handin::testing::TempDir dir_;
  const absl::Time started_at_ = absl::FromUnixSeconds(1714600000);
  handin::testing::FakeClock clock_{started_at_ + absl::Seconds(1)};
  const std::string bytes_;
  std::unique_ptr<SubmissionStore> store_;
};

TEST_F(ResumableUploadTest, ABrokenUploadResumesWhereItStoppedAndCommits) {
  StageAndBreak(2 * kChunk);
  clock_.Advance(absl::Minutes(3));

  auto query = store_->QueryUpload(kCourse, "ann", kKey);
  ASSERT_TRUE(query.ok()) << query.status();
  ASSERT_TRUE(query->staged.has_value());
  EXPECT_FALSE(query->record.has_value());
  EXPECT_EQ(query->staged->staged_bytes(), 2 * kChunk);
  EXPECT_EQ(FromProtoTimestamp(query->staged->started_at()), started_at_);
  EXPECT_EQ(FromProtoTimestamp(query->staged->last_write_at()),
            clock_.Now() - absl::Minutes(3));

  auto resumed = store_->BeginUpload(Header(2 * kChunk));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ((*resumed)->bytes_received(), 2 * kChunk);
  Send(**resumed, 2 * kChunk, bytes_.size());
  // The SHA-256 only matches if the staged bytes were hashed on resume.
  auto committed = store_->Commit(**resumed, Record());
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_TRUE(ReadAll(committed->submission_id()) == bytes_);

  query = store_->QueryUpload(kCourse, "ann", kKey);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_FALSE(query->staged.has_value());
  ASSERT_TRUE(query->record.has_value());
  EXPECT_EQ(query->record->submission_id(), committed->submission_id());
  store_.reset();
  EXPECT_EQ(CountKeys(dir_.path(), keys::StagedPrefix()), 0);
}

TEST_F(ResumableUploadTest, AStagedUploadSurvivesARestartWithinGrace) {
  StageAndBreak(3 * kChunk);
  Reopen();
  auto resumed = store_->BeginUpload(Header(3 * kChunk));
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  Send(**resumed, 3 * kChunk, bytes_.size());
  auto committed = store_->Commit(**resumed, Record());
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_TRUE(ReadAll(committed->submission_id()) == bytes_);
}

TEST_F(ResumableUploadTest, ResumingAtAnotherOffsetNamesBothCounts) {
  StageAndBreak(2 * kChunk);
  auto resumed = store_->BeginUpload(Header(kChunk));
  EXPECT_EQ(resumed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resumed.status().message(),
              AllOf(HasSubstr("65536"), HasSubstr("131072")));
  // The failed attempt holds nothing: the right offset still works.
  EXPECT_TRUE(store_->BeginUpload(Header(2 * kChunk)).ok());
}

TEST_F(ResumableUploadTest, ResumingWithNothingStagedIsFailedPrecondition) {
  auto resumed = store_->BeginUpload(Header(kChunk));
  EXPECT_EQ(resumed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resumed.status().message(), HasSubstr("nothing is staged"));
}

TEST_F(ResumableUploadTest, ResumingWithOtherFieldsNamesTheFieldAndBothValues) {
  StageAndBreak(kChunk);
  v1::PutHeader other_sha = Header(kChunk);
  other_sha.mutable_resumable()->set_sha256_hex(std::string(64, 'a'));
  auto resumed = store_->BeginUpload(other_sha);
  EXPECT_EQ(resumed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resumed.status().message(),
              AllOf(HasSubstr("sha256_hex"), HasSubstr(std::string(64, 'a')),
                    HasSubstr(Sha256::Of(bytes_))));

  v1::PutHeader other_start = Header(kChunk);
  *other_start.mutable_resumable()->mutable_started_at() =
      ToProtoTimestamp(started_at_ + absl::Hours(1));
  resumed = store_->BeginUpload(other_start);
  EXPECT_EQ(resumed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(resumed.status().message(), HasSubstr("started_at"));
}

TEST_F(ResumableUploadTest, OnlyOneStreamAtATimeHoldsAKey) {
  auto first = store_->BeginUpload(Header());
  ASSERT_TRUE(first.ok()) << first.status();
  Send(**first, 0, kChunk);
  auto second = store_->BeginUpload(Header());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(),
              HasSubstr("another upload with this key is in progress"));
  ASSERT_TRUE(store_->Release(**first).ok());
  EXPECT_TRUE(store_->BeginUpload(Header(kChunk)).ok());
}

TEST_F(ResumableUploadTest, StartingOverAtZeroDiscardsTheStagedBytes) {
  StageAndBreak(3 * kChunk);
  auto restarted = store_->BeginUpload(Header(0));
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  Send(**restarted, 0, kChunk);
  ASSERT_TRUE(store_->Release(**restarted).ok());
  auto query = store_->QueryUpload(kCourse, "ann", kKey);
  ASSERT_TRUE(query.ok() && query->staged.has_value());
  EXPECT_EQ(query->staged->staged_bytes(), kChunk);
  store_.reset();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 1);
}

TEST_F(ResumableUploadTest, MalformedHeadersAreInvalidArgument) {
  v1::PutHeader no_resumable;
  no_resumable.set_course_id(kCourse);
  no_resumable.set_resume_offset(kChunk);
  EXPECT_EQ(store_->BeginUpload(no_resumable).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::PutHeader no_start = Header();
  no_start.mutable_resumable()->clear_started_at();
  EXPECT_THAT(store_->BeginUpload(no_start).status().message(),
              HasSubstr("started_at"));

  v1::PutHeader other_course = Header();
  other_course.mutable_resumable()->set_course_id("eecs499");
  EXPECT_EQ(store_->BeginUpload(other_course).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::PutHeader negative = Header(-1);
  EXPECT_EQ(store_->BeginUpload(negative).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ResumableUploadTest, ChunksPastTheDeclaredSizeAreInvalidArgument) {
  auto upload = store_->BeginUpload(Header());
  ASSERT_TRUE(upload.ok()) << upload.status();
  Send(**upload, 0, bytes_.size());
  absl::Status extra =
      store_->AppendChunk(**upload, static_cast<int64_t>(bytes_.size()), "x");
  EXPECT_EQ(extra.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(extra.message(), HasSubstr("declared"));
}

TEST_F(ResumableUploadTest, ACommitOfAnotherRecordIsRejectedAndDiscarded) {
  auto upload = store_->BeginUpload(Header());
  ASSERT_TRUE(upload.ok()) << upload.status();
  Send(**upload, 0, bytes_.size());
  SubmissionRecord other_item = Record();
  other_item.set_item_id("summary");
  auto committed = store_->Commit(**upload, other_item);
  EXPECT_EQ(committed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(committed.status().message(),
              AllOf(HasSubstr("item_id"), HasSubstr("summary"),
                    HasSubstr("project-report")));
  auto query = store_->QueryUpload(kCourse, "ann", kKey);
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_FALSE(query->staged.has_value());
  store_.reset();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
}

TEST_F(ResumableUploadTest, DamagedStagedBytesAreDataLossOnResume) {
  StageAndBreak(2 * kChunk);
  store_.reset();
  testing::DeleteRaw(dir_.path(), keys::ChunkKey(1, 0));
  Reopen();
  auto resumed = store_->BeginUpload(Header(2 * kChunk));
  EXPECT_EQ(resumed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(resumed.status().message(), HasSubstr("resume_offset 0"));
}

TEST_F(ResumableUploadTest, QueryOfAnUnknownKeyFindsNothing) {
  auto query = store_->QueryUpload(kCourse, "ann", "never-used");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_FALSE(query->staged.has_value());
  EXPECT_FALSE(query->record.has_value());
  EXPECT_EQ(store_->QueryUpload(kCourse, "", kKey).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handin::storage
