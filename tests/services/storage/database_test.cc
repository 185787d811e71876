// The column-family layout: what Open creates, and the refusal of a
// database written by the older single-family layout.

#include "services/storage/database.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "services/storage/audit_log.h"
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
using ::testing::UnorderedElementsAreArray;

// Writes one key the way the older layout did: into the default column
// family of a database without the others.
void WriteOlderLayout(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE(db->Put(sync, keys::AuditKey(1), "an old event").ok());
}

class DatabaseTest : public ::testing::Test {
 protected:
  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600000)};
};

TEST_F(DatabaseTest, OpenCreatesEveryColumnFamily) {
  auto store = SubmissionStore::Open(dir_.path(), clock_);
  ASSERT_TRUE(store.ok()) << store.status();
  store->reset();
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_.path(),
                                              &families)
                  .ok());
  std::vector<std::string> expected = ColumnFamilyNames();
  expected.push_back(rocksdb::kDefaultColumnFamilyName);
  EXPECT_THAT(families, UnorderedElementsAreArray(expected));
}

TEST_F(DatabaseTest, ACommitLandsInItsFamiliesAndLeavesTheDefaultOneEmpty) {
  {
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    const std::string bytes = TestBytes(3 << 16, 1);
    SubmissionRecord record = RecordFor("eecs598", "summary", "ann", bytes);
    record.set_idempotency_key("k");
    ASSERT_TRUE(PutInStore(**store, record, bytes).ok());
  }
  EXPECT_EQ(CountKeys(dir_.path(), keys::BlobPrefix()), 1);
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 3);
  EXPECT_EQ(CountKeys(dir_.path(), keys::SubmissionPrefix("eecs598")), 1);
  EXPECT_EQ(CountKeys(dir_.path(), keys::ItemIndexPrefix("eecs598", "summary")),
            1);
  EXPECT_EQ(CountKeys(dir_.path(), keys::IdempotencyKey("eecs598", "ann", "k")),
            1);
  EXPECT_EQ(CountKeys(dir_.path(), keys::AuditPrefix()), 1);

  auto db = Database::OpenReadOnly(dir_.path());
  ASSERT_TRUE(db.ok()) << db.status();
  std::unique_ptr<rocksdb::Iterator> it((*db)->db().NewIterator(
      rocksdb::ReadOptions(), (*db)->db().DefaultColumnFamily()));
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
}

TEST_F(DatabaseTest, ADatabaseOfTheOlderLayoutIsRefusedAtOpen) {
  WriteOlderLayout(dir_.path());
  auto store = SubmissionStore::Open(dir_.path(), clock_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(),
              AllOf(HasSubstr(dir_.path()), HasSubstr("older"),
                    HasSubstr("default column family")));
}

TEST_F(DatabaseTest, AReadOnlyOpenOfTheOlderLayoutIsRefused) {
  WriteOlderLayout(dir_.path());
  auto report = VerifyAuditLogInDirectory(dir_.path());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(),
              AllOf(HasSubstr(dir_.path()), HasSubstr("older")));
}

TEST_F(DatabaseTest, EveryKeyKindHasAFamily) {
  for (const std::string& key :
       {keys::BlobKey("ab"), keys::ChunkKey(1, 0),
        keys::StagedUploadKey("c", "p", "k"), keys::SubmissionKey("c", "s"),
        keys::ItemIndexKey("c", "i", "s"),
        keys::PrincipalIndexKey("c", "p", "s"),
        keys::IdempotencyKey("c", "p", "k"), keys::RefusalKey("c", "a"),
        keys::RefusalItemIndexKey("c", "i", "a"),
        keys::RefusalPrincipalIndexKey("c", "p", "a"),
        keys::ExtensionKey("c", "p", "i"), keys::AuditKey(1)}) {
    EXPECT_THAT(ColumnFamilyNames(),
                ::testing::Contains(std::string(keys::ColumnFamilyOf(key))))
        << key;
  }
  EXPECT_EQ(keys::ColumnFamilyOf("nonsense"), "");
}

}  // namespace
}  // namespace handin::storage
