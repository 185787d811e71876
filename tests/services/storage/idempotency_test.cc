// SubmissionStore's idempotency: one submission per (course, principal,
// idempotency key), decided at commit.
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

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
using ::handin::storage::testing::PutInStore;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kCourse[] = "eecs598-w24";
constexpr char kKey[] = "0123456789abcdef0123456789abcdef";

class IdempotencyTest : public ::testing::Test {
 protected:
  IdempotencyTest() {
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    EXPECT_TRUE(store.ok()) << store.status();
    if (store.ok()) store_ = *std::move(store);
  }

  // Uploads `bytes` for `item` by `principal` with idempotency key `key`.
  absl::StatusOr<SubmissionRecord> Put(const std::string& principal,
                                       const std::string& bytes,
                                       bool* replayed = nullptr,
                                       const std::string& key = kKey,
                                       const std::string& item = "report") {
    SubmissionRecord record = RecordFor(kCourse, item, principal, bytes);
    record.set_idempotency_key(key);
    return PutInStore(*store_, record, bytes, 64 << 10, replayed);
  }

  int AuditEvents() {
    auto events = store_->audit().List();
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? static_cast<int>(events->size()) : -1;
  }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600800)};
  std::unique_ptr<SubmissionStore> store_;
};

TEST_F(IdempotencyTest, ARetryWithTheSameContentGetsTheFirstRecordBack) {
  const std::string bytes = TestBytes(200000, 1);
  bool replayed = true;
  auto first = Put("ann", bytes, &replayed);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(replayed);
  clock_.Advance(absl::Minutes(1));

  auto again = Put("ann", bytes, &replayed);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(replayed);
  EXPECT_EQ(again->submission_id(), first->submission_id());
  EXPECT_EQ(again->started_at().seconds(), first->started_at().seconds());

  EXPECT_THAT(*store_->List(kCourse, "", ""), SizeIs(1));
  EXPECT_EQ(AuditEvents(), 1);
  store_.reset();
  // One blob and the chunks of one upload: the retry's copy was dropped.
  EXPECT_EQ(CountKeys(dir_.path(), keys::BlobPrefix()), 1);
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 4);
}

TEST_F(IdempotencyTest, TheRecordNamesItsAuditEventAndARetryGetsTheSame) {
  auto first = Put("ann", TestBytes(1000, 1));
  ASSERT_TRUE(first.ok()) << first.status();
  auto events = store_->audit().List();
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_THAT(*events, SizeIs(1));
  EXPECT_EQ(first->audit_sequence(), (*events)[0].sequence());
  EXPECT_EQ(first->audit_hash_hex(), (*events)[0].hash_hex());
  EXPECT_EQ(first->committed_at().seconds(), 1714600800);
  // As stored, and as a retry returns it: a receipt can be issued again.
  auto stored = store_->Get(kCourse, first->submission_id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->SerializeAsString(), first->SerializeAsString());
  clock_.Advance(absl::Minutes(1));
  auto again = Put("ann", TestBytes(1000, 1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
}

TEST_F(IdempotencyTest, TheSameKeyWithOtherContentIsAlreadyExists) {
  const std::string bytes = TestBytes(1000, 1);
  const std::string other = TestBytes(1000, 2);
  auto first = Put("ann", bytes);
  ASSERT_TRUE(first.ok()) << first.status();

  auto conflict = Put("ann", other);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(
      conflict.status().message(),
      AllOf(HasSubstr(kKey), HasSubstr(first->sha256_hex()),
            HasSubstr(Sha256::Of(other)), HasSubstr(first->submission_id())));
  // The same bytes for another item are other content too.
  EXPECT_EQ(
      Put("ann", bytes, nullptr, kKey, "slides/2024-03-19").status().code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(*store_->List(kCourse, "", ""), SizeIs(1));
  store_.reset();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 1);
}

TEST_F(IdempotencyTest, KeysBelongToOnePrincipalAndEmptyKeysNeverMatch) {
  const std::string bytes = TestBytes(1000, 1);
  ASSERT_TRUE(Put("ann", bytes).ok());
  bool replayed = true;
  ASSERT_TRUE(Put("bob", bytes, &replayed).ok());
  EXPECT_FALSE(replayed);
  ASSERT_TRUE(Put("ann", bytes, &replayed, "").ok());
  ASSERT_TRUE(Put("ann", bytes, &replayed, "").ok());
  EXPECT_FALSE(replayed);
  EXPECT_THAT(*store_->List(kCourse, "", ""), SizeIs(4));
}

TEST_F(IdempotencyTest, FindByIdempotencyKeyNamesTheCommittedRecord) {
  auto none = store_->FindByIdempotencyKey(kCourse, "ann", kKey);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  auto stored = Put("ann", TestBytes(10, 1));
  ASSERT_TRUE(stored.ok());
  auto found = store_->FindByIdempotencyKey(kCourse, "ann", kKey);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->submission_id(), stored->submission_id());
  EXPECT_FALSE(store_->FindByIdempotencyKey(kCourse, "bob", kKey)->has_value());
  EXPECT_EQ(store_->FindByIdempotencyKey(kCourse, "ann", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(IdempotencyTest, AnOverlongKeyIsInvalidArgument) {
  auto put = Put("ann", TestBytes(10, 1), nullptr, std::string(129, 'k'));
  EXPECT_EQ(put.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(put.status().message(), HasSubstr("128 bytes"));
}

TEST_F(IdempotencyTest, ConcurrentCommitsWithOneKeyStoreOneRecord) {
  constexpr int kThreads = 6;
  const std::string same = TestBytes(300000, 7);
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<SubmissionRecord>> results(
      kThreads, absl::UnknownError("not run"));
  for (int t = 0; t < kThreads; ++t) {
    // Two threads race with other content under the same key.
    threads.emplace_back([&, t] {
      results[t] = Put("ann", t < 4 ? same : TestBytes(300000, 100 + t));
    });
  }
  for (std::thread& thread : threads) thread.join();
  auto listed = store_->List(kCourse, "", "");
  ASSERT_TRUE(listed.ok());
  ASSERT_THAT(*listed, SizeIs(1));
  const std::string winner = (*listed)[0].submission_id();
  for (const auto& result : results) {
    if (result.ok()) {
      EXPECT_EQ(result->submission_id(), winner);
    } else {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists)
          << result.status();
    }
  }
  EXPECT_EQ(AuditEvents(), 1);
}

}  // namespace
}  // namespace handin::storage
