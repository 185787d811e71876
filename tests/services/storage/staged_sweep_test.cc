// Garbage collection of staged bytes (SubmissionStore::SweepStaged and the
// sweep in Open), driven by a fake clock.

#include <memory>
#include <string>

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
using ::handin::storage::testing::PutInStore;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;

constexpr char kCourse[] = "eecs598-w24";
constexpr size_t kChunk = 64 << 10;
constexpr absl::Duration kGrace = absl::Minutes(30);

class StagedSweepTest : public ::testing::Test {
 protected:
  StagedSweepTest() : bytes_(TestBytes(3 * kChunk, 5)) { Reopen(); }

  void Reopen() {
    store_.reset();
    StoreOptions options;
    options.staged_grace = kGrace;
    auto store = SubmissionStore::Open(dir_.path(), clock_, options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  v1::PutHeader Header(const std::string& key, int64_t resume_offset = 0) {
    return testing::ResumableHeader(Record(key), clock_.Now(), resume_offset);
  }

  SubmissionRecord Record(const std::string& key) {
    SubmissionRecord record =
        RecordFor(kCourse, "project-report", "ann", bytes_);
    record.set_idempotency_key(key);
    return record;
  }

  // Starts an upload (resumable under `key`, or not if empty) and sends
  // its first `sent` bytes.
  std::unique_ptr<Upload> Start(const std::string& key, size_t sent) {
    auto upload = key.empty() ? store_->BeginUpload(kCourse)
                              : store_->BeginUpload(Header(key));
    EXPECT_TRUE(upload.ok()) << upload.status();
    if (!upload.ok()) return nullptr;
    for (size_t offset = 0; offset < sent; offset += kChunk) {
      EXPECT_TRUE(store_
                      ->AppendChunk(**upload, static_cast<int64_t>(offset),
                                    bytes_.substr(offset, kChunk))
                      .ok());
    }
    return *std::move(upload);
  }

  SweepResult Sweep() {
    absl::StatusOr<SweepResult> swept = store_->SweepStaged();
    EXPECT_TRUE(swept.ok()) << swept.status();
    return swept.ok() ? *swept : SweepResult();
  }

  int ChunksOnDisk() {
    store_.reset();
    const int chunks = CountKeys(dir_.path(), keys::ChunkPrefix());
    Reopen();
    return chunks;
  }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600000)};
  const std::string bytes_;
  std::unique_ptr<SubmissionStore> store_;
};

TEST_F(StagedSweepTest, ABrokenResumableUploadIsKeptUntilItsGraceRunsOut) {
  ASSERT_TRUE(store_->Release(*Start("k1", 2 * kChunk)).ok());
  clock_.Advance(kGrace);
  SweepResult swept = Sweep();
  EXPECT_EQ(swept.staged_kept, 1);
  EXPECT_EQ(swept.staged_expired, 0);
  auto query = store_->QueryUpload(kCourse, "ann", "k1");
  ASSERT_TRUE(query.ok() && query->staged.has_value());

  clock_.Advance(absl::Seconds(1));
  swept = Sweep();
  EXPECT_EQ(swept.staged_expired, 1);
  query = store_->QueryUpload(kCourse, "ann", "k1");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_FALSE(query->staged.has_value());
  EXPECT_EQ(store_->BeginUpload(Header("k1", 2 * kChunk)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ChunksOnDisk(), 0);
}

TEST_F(StagedSweepTest, ARestartKeepsStagedUploadsWithinGraceOnly) {
  ASSERT_TRUE(store_->Release(*Start("old", kChunk)).ok());
  clock_.Advance(kGrace - absl::Minutes(1));
  ASSERT_TRUE(store_->Release(*Start("new", 2 * kChunk)).ok());
  clock_.Advance(absl::Minutes(2));
  Reopen();
  auto old_query = store_->QueryUpload(kCourse, "ann", "old");
  auto new_query = store_->QueryUpload(kCourse, "ann", "new");
  ASSERT_TRUE(old_query.ok() && new_query.ok());
  EXPECT_FALSE(old_query->staged.has_value());
  ASSERT_TRUE(new_query->staged.has_value());
  EXPECT_EQ(new_query->staged->staged_bytes(), 2 * kChunk);
  EXPECT_EQ(ChunksOnDisk(), 2);
}

TEST_F(StagedSweepTest, OpenUploadsSurviveASweepHoweverOld) {
  std::unique_ptr<Upload> plain = Start("", 2 * kChunk);
  std::unique_ptr<Upload> resumable = Start("k2", 2 * kChunk);
  clock_.Advance(10 * kGrace);
  SweepResult swept = Sweep();
  EXPECT_EQ(swept.orphans_deleted, 0);
  EXPECT_EQ(swept.staged_expired, 0);

  for (Upload* upload : {plain.get(), resumable.get()}) {
    ASSERT_TRUE(
        store_->AppendChunk(*upload, 2 * kChunk, bytes_.substr(2 * kChunk))
            .ok());
  }
  auto first = store_->Commit(*plain, Record(""));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = store_->Commit(*resumable, Record("k2"));
  ASSERT_TRUE(second.ok()) << second.status();
}

TEST_F(StagedSweepTest, CommittedBlobsAreNeverSwept) {
  auto plain = PutInStore(*store_, Record(""), bytes_, kChunk);
  ASSERT_TRUE(plain.ok()) << plain.status();
  std::unique_ptr<Upload> resumable = Start("k3", bytes_.size());
  auto committed = store_->Commit(*resumable, Record("k3"));
  ASSERT_TRUE(committed.ok()) << committed.status();
  clock_.Advance(100 * kGrace);
  SweepResult swept = Sweep();
  EXPECT_EQ(swept.orphans_deleted + swept.staged_expired, 0);
  EXPECT_EQ(swept.blobs, 1);
  Reopen();  // the sweep in Open
  for (const SubmissionRecord& record : {*plain, *committed}) {
    auto reader = store_->OpenBlob(kCourse, record.submission_id(), 1 << 20);
    ASSERT_TRUE(reader.ok()) << reader.status();
    auto piece = (*reader)->Next();
    ASSERT_TRUE(piece.ok()) << piece.status();
    EXPECT_TRUE(*piece == bytes_);
  }
  EXPECT_EQ(ChunksOnDisk(), 3);
}

TEST_F(StagedSweepTest, ChunksNothingOwnsAreSweptAtOpen) {
  auto plain = PutInStore(*store_, Record(""), bytes_, kChunk);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE(store_->Release(*Start("k4", kChunk)).ok());
  store_.reset();
  // A non-resumable upload cut off by a crash, as AppendChunk wrote it.
  testing::PutRaw(dir_.path(), keys::ChunkKey(1000, 0), TestBytes(kChunk, 9));
  Reopen();
  EXPECT_EQ(ChunksOnDisk(), 3 + 1);
  auto query = store_->QueryUpload(kCourse, "ann", "k4");
  ASSERT_TRUE(query.ok() && query->staged.has_value());
}

}  // namespace
}  // namespace handin::storage
