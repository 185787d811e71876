#include "services/storage/submission_store.h"

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::testing::CountKeys;
using ::handin::storage::testing::KeysUnder;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kCourse[] = "eecs598-w24";
constexpr size_t kChunk = 64 << 10;

// What a full read of a blob produced.
struct ReadBack {
  absl::Status status;
  std::string bytes;
};

class SubmissionStoreTest : public ::testing::Test {
 protected:
  SubmissionStoreTest() { Reopen(); }

  void Reopen(const StoreOptions& options = StoreOptions()) {
    store_.reset();
    auto store = SubmissionStore::Open(dir_.path(), clock_, options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Closes the store so the test may open the RocksDB directly.
  void Close() { store_.reset(); }

  // Uploads `bytes` in kChunk chunks and commits `record`.
  absl::StatusOr<SubmissionRecord> Put(const SubmissionRecord& record,
                                       const std::string& bytes) {
    return testing::PutInStore(*store_, record, bytes, kChunk);
  }

  absl::StatusOr<SubmissionRecord> Put(const std::string& item,
                                       const std::string& principal,
                                       const std::string& bytes) {
    return Put(RecordFor(kCourse, item, principal, bytes), bytes);
  }

  ReadBack Read(const std::string& id, size_t piece = 256 << 10) {
    ReadBack out;
    auto reader = store_->OpenBlob(kCourse, id, piece);
    if (!reader.ok()) {
      out.status = reader.status();
      return out;
    }
    while (true) {
      absl::StatusOr<std::string> next = (*reader)->Next();
      if (!next.ok()) {
        out.status = next.status();
        return out;
      }
      if (next->empty()) return out;
      EXPECT_LE(next->size(), piece);
      out.bytes += *next;
    }
  }

  std::vector<std::string> ListIds(const std::string& item = "",
                                   const std::string& principal = "") {
    auto listed = store_->List(kCourse, item, principal);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const SubmissionRecord& r : *listed)
        ids.push_back(r.submission_id());
    }
    return ids;
  }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_{absl::FromCivil(
      absl::CivilSecond(2024, 5, 1, 22, 0, 0), absl::UTCTimeZone())};
  std::unique_ptr<SubmissionStore> store_;
};

TEST_F(SubmissionStoreTest, RoundTripsAMultiChunkBlobAndVerifiesIt) {
  const std::string bytes = TestBytes(3 * (1 << 20) + 12345, 1);
  auto record = Put("project-report", "ann", bytes);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->submission_id(), "20240501T220000.000000Z");
  EXPECT_EQ(record->sha256_hex(), Sha256::Of(bytes));

  auto got = store_->Get(kCourse, record->submission_id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->SerializeAsString(), record->SerializeAsString());
  ReadBack read = Read(record->submission_id());
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_TRUE(read.bytes == bytes) << "read-back bytes differ";
  // Pieces need not line up with the uploaded chunks.
  EXPECT_TRUE(Read(record->submission_id(), 100000).bytes == bytes);
}

TEST_F(SubmissionStoreTest, AnEmptyFileRoundTrips) {
  auto record = Put("question", "ann", "");
  ASSERT_TRUE(record.ok()) << record.status();
  ReadBack read = Read(record->submission_id());
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.bytes, "");
}

TEST_F(SubmissionStoreTest, SizeMismatchIsDataLossAndStoresNothing) {
  const std::string bytes = TestBytes(200000, 2);
  SubmissionRecord record = RecordFor(kCourse, "summary", "ann", bytes);
  record.set_size_bytes(200001);
  auto committed = Put(record, bytes);
  EXPECT_EQ(committed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(committed.status().message(),
              AllOf(HasSubstr("200000"), HasSubstr("200001")));
  EXPECT_THAT(ListIds(), IsEmpty());
  Close();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
  EXPECT_EQ(CountKeys(dir_.path(), keys::BlobPrefix()), 0);
}

TEST_F(SubmissionStoreTest, HashMismatchIsDataLossAndStoresNothing) {
  const std::string bytes = TestBytes(200000, 3);
  const std::string other = Sha256::Of("something else");
  SubmissionRecord record = RecordFor(kCourse, "summary", "ann", bytes);
  record.set_sha256_hex(other);
  auto committed = Put(record, bytes);
  EXPECT_EQ(committed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(committed.status().message(),
              AllOf(HasSubstr(Sha256::Of(bytes)), HasSubstr(other)));
  EXPECT_THAT(ListIds(), IsEmpty());
  Close();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
}

TEST_F(SubmissionStoreTest, WrongOffsetIsInvalidArgumentAndChangesNothing) {
  auto upload = store_->BeginUpload(kCourse);
  ASSERT_TRUE(upload.ok());
  ASSERT_TRUE(store_->AppendChunk(**upload, 0, "hello ").ok());
  absl::Status skipped = store_->AppendChunk(**upload, 100, "world");
  EXPECT_EQ(skipped.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(skipped.message(), AllOf(HasSubstr("offset is 100"),
                                       HasSubstr("expected offset 6")));
  ASSERT_TRUE(store_->AppendChunk(**upload, 6, "world").ok());
  auto record = store_->Commit(
      **upload, RecordFor(kCourse, "summary", "ann", "hello world"));
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(Read(record->submission_id()).bytes, "hello world");
}

TEST_F(SubmissionStoreTest, MalformedRecordsAreInvalidArgument) {
  SubmissionRecord with_id = RecordFor(kCourse, "summary", "ann", "x");
  with_id.set_submission_id("mine");
  EXPECT_EQ(Put(with_id, "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  SubmissionRecord other_course = RecordFor("eecs482", "summary", "ann", "x");
  auto upload = store_->BeginUpload(kCourse);
  ASSERT_TRUE(upload.ok());
  EXPECT_EQ(store_->Commit(**upload, other_course).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Put("", "ann", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Put("summary", "", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->BeginUpload("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ListIds(), IsEmpty());
}

TEST_F(SubmissionStoreTest, OversizedChunksAreInvalidArgument) {
  StoreOptions options;
  options.max_chunk_bytes = 1000;
  Reopen(options);
  auto upload = store_->BeginUpload(kCourse);
  ASSERT_TRUE(upload.ok());
  EXPECT_EQ(store_->AppendChunk(**upload, 0, std::string(1001, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SubmissionStoreTest, AbortLeavesNothingAndDeletesStagedChunks) {
  auto upload = store_->BeginUpload(kCourse);
  ASSERT_TRUE(upload.ok());
  const std::string bytes = TestBytes(5 * kChunk, 4);
  for (size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    ASSERT_TRUE(
        store_->AppendChunk(**upload, offset, bytes.substr(offset, kChunk))
            .ok());
  }
  ASSERT_TRUE(store_->Abort(**upload).ok());
  EXPECT_EQ(store_->AppendChunk(**upload, bytes.size(), "x").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(ListIds(), IsEmpty());
  upload->reset();
  Close();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
}

TEST_F(SubmissionStoreTest, DroppingAnOpenUploadAbortsIt) {
  {
    auto upload = store_->BeginUpload(kCourse);
    ASSERT_TRUE(upload.ok());
    ASSERT_TRUE(store_->AppendChunk(**upload, 0, TestBytes(kChunk, 5)).ok());
  }
  Close();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
}

TEST_F(SubmissionStoreTest, IdenticalContentSharesOneBlobButMakesTwoRecords) {
  const std::string bytes = TestBytes(3 * kChunk + 7, 6);
  auto first = Put("project-code", "ann", bytes);
  auto second = Put("project-code", "bob", bytes);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(first->submission_id(), second->submission_id());
  EXPECT_THAT(ListIds(),
              ElementsAre(first->submission_id(), second->submission_id()));
  EXPECT_TRUE(Read(second->submission_id()).bytes == bytes);
  Close();
  EXPECT_EQ(CountKeys(dir_.path(), keys::BlobPrefix()), 1);
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 4);  // one copy
}

TEST_F(SubmissionStoreTest, ReopeningKeepsEverything) {
  const std::string bytes = TestBytes(2 * kChunk + 1, 7);
  auto record = Put("slides/2024-03-19", "ann", bytes);
  ASSERT_TRUE(record.ok()) << record.status();
  Reopen();
  auto got = store_->Get(kCourse, record->submission_id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->SerializeAsString(), record->SerializeAsString());
  EXPECT_THAT(ListIds("slides/2024-03-19"),
              ElementsAre(record->submission_id()));
  ReadBack read = Read(record->submission_id());
  EXPECT_TRUE(read.status.ok()) << read.status;
  EXPECT_TRUE(read.bytes == bytes);
}

TEST_F(SubmissionStoreTest, OpenSweepsStagedChunksOfUploadsThatNeverCommitted) {
  const std::string kept = TestBytes(2 * kChunk, 8);
  auto record = Put("summary", "ann", kept);
  ASSERT_TRUE(record.ok()) << record.status();
  Close();
  // Chunks of an upload cut off by a crash, written as AppendChunk would.
  testing::PutRaw(dir_.path(), keys::ChunkKey(1000, 0), TestBytes(kChunk, 9));
  testing::PutRaw(dir_.path(), keys::ChunkKey(1000, kChunk),
                  TestBytes(kChunk, 9));
  ASSERT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 4);

  Reopen();
  // A new upload after the sweep must not collide with the committed one.
  auto later = Put("summary", "bob", TestBytes(kChunk, 10));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_TRUE(Read(record->submission_id()).bytes == kept);
  Close();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 3);
}

TEST_F(SubmissionStoreTest, CorruptedChunkBytesAreDataLossOnRead) {
  const std::string bytes = TestBytes(4 * kChunk, 11);
  auto record = Put("project-report", "ann", bytes);
  ASSERT_TRUE(record.ok()) << record.status();
  Close();
  const std::vector<std::string> chunks =
      KeysUnder(dir_.path(), keys::ChunkPrefix());
  ASSERT_EQ(chunks.size(), 4u);
  std::string last = bytes.substr(3 * kChunk);
  last[100] ^= 0x01;  // one flipped bit, same length
  testing::PutRaw(dir_.path(), chunks.back(), last);
  Reopen();

  ReadBack read = Read(record->submission_id(), kChunk);
  EXPECT_EQ(read.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(read.status.message(),
              AllOf(HasSubstr(record->sha256_hex()), HasSubstr("corrupt")));
  // The piece that would have completed the blob is never handed out.
  EXPECT_LT(read.bytes.size(), bytes.size());
}

TEST_F(SubmissionStoreTest, MissingChunkIsDataLossOnRead) {
  const std::string bytes = TestBytes(4 * kChunk, 12);
  auto record = Put("project-report", "ann", bytes);
  ASSERT_TRUE(record.ok()) << record.status();
  Close();
  const std::vector<std::string> chunks =
      KeysUnder(dir_.path(), keys::ChunkPrefix());
  ASSERT_EQ(chunks.size(), 4u);
  testing::DeleteRaw(dir_.path(), chunks[1]);
  Reopen();
  ReadBack read = Read(record->submission_id());
  EXPECT_EQ(read.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(read.status.message(), HasSubstr("missing bytes"));
}

TEST_F(SubmissionStoreTest, ListFiltersByItemAndPrincipalOldestFirst) {
  std::vector<std::string> ids;
  for (const auto& [item, who] :
       std::vector<std::pair<std::string, std::string>>{
           {"summary", "ann"},
           {"slides", "ann"},
           {"summary", "bob"},
           {"summary", "ann"},
           {"summary/extra", "ann"}}) {
    clock_.Advance(absl::Minutes(1));
    auto record = Put(item, who, who + item + std::to_string(ids.size()));
    ASSERT_TRUE(record.ok()) << record.status();
    ids.push_back(record->submission_id());
  }
  EXPECT_THAT(ListIds(), ElementsAre(ids[0], ids[1], ids[2], ids[3], ids[4]));
  EXPECT_THAT(ListIds("summary"), ElementsAre(ids[0], ids[2], ids[3]));
  EXPECT_THAT(ListIds("", "ann"), ElementsAre(ids[0], ids[1], ids[3], ids[4]));
  EXPECT_THAT(ListIds("summary", "ann"), ElementsAre(ids[0], ids[3]));
  EXPECT_THAT(ListIds("nothing"), IsEmpty());
  auto other_course = store_->List("eecs482", "", "");
  ASSERT_TRUE(other_course.ok());
  EXPECT_THAT(*other_course, IsEmpty());
  EXPECT_EQ(store_->List("", "", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SubmissionStoreTest, IdsIncreaseEvenWhenTheClockStallsOrGoesBack) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto record = Put("q", "ann", "same instant " + std::to_string(i));
    ASSERT_TRUE(record.ok()) << record.status();
    ids.push_back(record->submission_id());
  }
  EXPECT_THAT(ids,
              ElementsAre("20240501T220000.000000Z", "20240501T220000.000001Z",
                          "20240501T220000.000002Z"));
  clock_.Advance(-absl::Hours(1));
  Reopen();  // the order survives a restart with a clock set back
  auto record = Put("q", "ann", "after a restart");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->submission_id(), "20240501T220000.000003Z");
}

TEST_F(SubmissionStoreTest, GetOfAnUnknownSubmissionIsNotFound) {
  EXPECT_EQ(store_->Get(kCourse, "20240501T220000.000000Z").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->OpenBlob(kCourse, "nope", 1024).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SubmissionStoreTest, ConcurrentUploadsAllCommitWithUniqueIds) {
  constexpr int kThreads = 6;
  constexpr int kEach = 4;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Half the uploads carry the same bytes, so dedupe races too.
        const std::string bytes =
            TestBytes(2 * kChunk + 3, i % 2 ? 99 : t * 10 + i);
        auto record = Put("summary", "user" + std::to_string(t), bytes);
        EXPECT_TRUE(record.ok()) << record.status();
        if (record.ok()) ids[t].push_back(record->submission_id());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> unique;
  for (const auto& list : ids) unique.insert(list.begin(), list.end());
  EXPECT_EQ(unique.size(), size_t{kThreads * kEach});
  EXPECT_EQ(ListIds().size(), size_t{kThreads * kEach});
  Close();
  // Distinct contents: kThreads * kEach / 2 unique ones plus the shared one.
  EXPECT_EQ(CountKeys(dir_.path(), keys::BlobPrefix()),
            kThreads * kEach / 2 + 1);
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()),
            3 * (kThreads * kEach / 2 + 1));
}

}  // namespace
}  // namespace handin::storage
