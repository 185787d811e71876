// Online checkpoints on a real RocksDB: what was committed before is in the
// checkpoint (opened as a store of its own, as a restore would), what comes
// after is not, the audit head returned is the checkpoint's own, and names
// do not collide.
#include "services/storage/checkpoint.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/audit_log.h"
#include "services/storage/submission_store.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::testing::PutInStore;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Property;

constexpr char kCourse[] = "eecs598-w24";

// Returns every byte of a submission of `store`, or the error.
absl::StatusOr<std::string> ReadAll(SubmissionStore& store,
                                    const std::string& submission_id) {
  auto reader = store.OpenBlob(kCourse, submission_id, 64 << 10);
  if (!reader.ok()) return reader.status();
  std::string bytes;
  while (true) {
    absl::StatusOr<std::string> piece = (*reader)->Next();
    if (!piece.ok()) return piece.status();
    if (piece->empty()) return bytes;
    bytes += *piece;
  }
}

common::v1::RefusedAttempt Refusal(const std::string& principal) {
  common::v1::RefusedAttempt attempt;
  attempt.set_course_id(kCourse);
  attempt.set_item_id("report");
  attempt.set_principal(principal);
  attempt.set_code("FAILED_PRECONDITION");
  attempt.set_reason("the item is closed");
  return attempt;
}

class CheckpointTest : public ::testing::Test {
 protected:
  CheckpointTest() {
    auto store = SubmissionStore::Open(DataDir(), clock_);
    EXPECT_TRUE(store.ok()) << store.status();
    if (store.ok()) store_ = *std::move(store);
  }

  std::string DataDir() const { return dir_.File("db"); }
  std::string CheckpointDir() const { return dir_.File("checkpoints"); }

  absl::StatusOr<SubmissionRecord> Submit(const std::string& principal,
                                          const std::string& bytes) {
    return PutInStore(*store_, RecordFor(kCourse, "report", principal, bytes),
                      bytes);
  }

  handin::testing::TempDir dir_;
  // 2024-05-01 22:00:00 UTC.
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600800)};
  std::unique_ptr<SubmissionStore> store_;
};

TEST(CheckpointNames, AreTheUtcInstantToTheSecond) {
  EXPECT_EQ(CheckpointName(absl::FromUnixSeconds(1714600800) +
                           absl::Milliseconds(999)),
            "20240501T220000Z");
}

TEST(CheckpointNames, TheDefaultDirectoryIsASiblingOfTheDataDirectory) {
  EXPECT_EQ(DefaultCheckpointDir("/var/lib/handin/storage/db"),
            "/var/lib/handin/storage/db.checkpoints");
  // Never inside the database directory, however the flag is written.
  EXPECT_EQ(DefaultCheckpointDir("var/storage//"), "var/storage.checkpoints");
}

TEST_F(CheckpointTest, HoldsWhatWasCommittedBeforeAndNothingAfter) {
  const std::string before = TestBytes(300 << 10, 1);
  absl::StatusOr<SubmissionRecord> first = Submit("ann", before);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(store_->refusals().Record(Refusal("bob")).ok());

  Checkpointer checkpointer(store_->database(), CheckpointDir(), clock_);
  absl::StatusOr<CheckpointResult> made = checkpointer.Create();
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->path, CheckpointDir() + "/20240501T220000Z");
  EXPECT_EQ(made->created_at, clock_.Now());

  const std::string after = TestBytes(1000, 2);
  ASSERT_TRUE(Submit("cat", after).ok());

  // The checkpoint is a database of its own: open it as a restore would.
  auto restored = SubmissionStore::Open(made->path, clock_);
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto listed = (*restored)->List(kCourse, "", "");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(*listed, ElementsAre(Property(&SubmissionRecord::submission_id,
                                            first->submission_id())));
  EXPECT_EQ(listed->front().sha256_hex(), first->sha256_hex());
  absl::StatusOr<std::string> bytes =
      ReadAll(**restored, first->submission_id());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_TRUE(*bytes == before) << "the checkpoint's bytes differ";
  auto refusals = (*restored)->refusals().List(kCourse, "", "");
  ASSERT_TRUE(refusals.ok()) << refusals.status();
  EXPECT_EQ(refusals->size(), 1u);

  // The live store is untouched by the checkpoint and by its reopening.
  auto live = store_->List(kCourse, "", "");
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(live->size(), 2u);
}

TEST_F(CheckpointTest, ReturnsTheCheckpointsOwnAuditHead) {
  ASSERT_TRUE(Submit("ann", TestBytes(5000, 1)).ok());
  ASSERT_TRUE(store_->refusals().Record(Refusal("bob")).ok());
  absl::StatusOr<std::vector<v1::AuditEvent>> events = store_->audit().List();
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);

  Checkpointer checkpointer(store_->database(), CheckpointDir(), clock_);
  absl::StatusOr<CheckpointResult> made = checkpointer.Create();
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->audit_sequence, 2u);
  EXPECT_EQ(made->audit_head_hash_hex, events->back().hash_hex());

  // What handin-admin audit verify reads in the checkpoint.
  absl::StatusOr<AuditChainReport> report =
      VerifyAuditLogInDirectory(made->path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->intact);
  EXPECT_EQ(report->verified_events, made->audit_sequence);
  EXPECT_EQ(report->head_hash_hex, made->audit_head_hash_hex);
}

TEST_F(CheckpointTest, TheHeadMatchesTheCheckpointWhileCommitsGoOn) {
  ASSERT_TRUE(store_->refusals().Record(Refusal("ann")).ok());
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([this, w] {
      for (int i = 0; i < 40; ++i) {
        EXPECT_TRUE(
            store_->refusals().Record(Refusal(w == 0 ? "bob" : "cat")).ok());
      }
    });
  }
  Checkpointer checkpointer(store_->database(), CheckpointDir(), clock_);
  absl::StatusOr<CheckpointResult> made = checkpointer.Create();
  for (std::thread& writer : writers) writer.join();
  ASSERT_TRUE(made.ok()) << made.status();

  absl::StatusOr<AuditChainReport> report =
      VerifyAuditLogInDirectory(made->path);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->intact) << report->expected << " / " << report->found;
  EXPECT_GE(made->audit_sequence, 1u);
  EXPECT_EQ(report->verified_events, made->audit_sequence);
  EXPECT_EQ(report->head_hash_hex, made->audit_head_hash_hex);
}

TEST_F(CheckpointTest, AnEmptyStoreHasNoAuditHead) {
  Checkpointer checkpointer(store_->database(), CheckpointDir(), clock_);
  absl::StatusOr<CheckpointResult> made = checkpointer.Create();
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->audit_sequence, 0u);
  EXPECT_EQ(made->audit_head_hash_hex, "");
}

TEST_F(CheckpointTest, ASecondCheckpointInTheSameSecondAlreadyExists) {
  Checkpointer checkpointer(store_->database(), CheckpointDir(), clock_);
  absl::StatusOr<CheckpointResult> first = checkpointer.Create();
  ASSERT_TRUE(first.ok()) << first.status();

  clock_.Advance(absl::Milliseconds(500));
  absl::StatusOr<CheckpointResult> again = checkpointer.Create();
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr(first->path));
  // The first one is left as it was.
  EXPECT_TRUE(VerifyAuditLogInDirectory(first->path).ok());

  clock_.Advance(absl::Seconds(1));
  absl::StatusOr<CheckpointResult> next = checkpointer.Create();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->path, CheckpointDir() + "/20240501T220001Z");
}

TEST_F(CheckpointTest, TheDefaultDirectoryIsBesideTheDatabase) {
  Checkpointer checkpointer(store_->database(), "", clock_);
  EXPECT_EQ(checkpointer.dir(), DataDir() + ".checkpoints");
  absl::StatusOr<CheckpointResult> made = checkpointer.Create();
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_TRUE(std::filesystem::exists(made->path + "/CURRENT"));
}

TEST_F(CheckpointTest, ADirectoryThatCannotBeCreatedIsAFailedPrecondition) {
  // A regular file where a directory would have to be: fails even as root.
  std::ofstream(dir_.File("not-a-dir")) << "x";
  Checkpointer checkpointer(store_->database(), dir_.File("not-a-dir/cps"),
                            clock_);
  absl::StatusOr<CheckpointResult> made = checkpointer.Create();
  EXPECT_EQ(made.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(made.status().message(),
              HasSubstr("cannot create the checkpoint directory " +
                        dir_.File("not-a-dir/cps")));
}

}  // namespace
}  // namespace handin::storage
