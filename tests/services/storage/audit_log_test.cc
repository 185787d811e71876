// The store's one audit log on a real RocksDB: every audited change lands in
// one chain, and VerifyAuditLogInDirectory finds changed and deleted events.
#include "services/storage/audit_log.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"
#include "services/storage/submission_store.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::handin::storage::testing::DeleteRaw;
using ::handin::storage::testing::GetRaw;
using ::handin::storage::testing::PutInStore;
using ::handin::storage::testing::PutRaw;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::handin::storage::v1::AuditEvent;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Property;

constexpr char kCourse[] = "eecs598-w24";

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLogTest() { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // One change of each audited kind: a submission, a refusal, a grant and
  // a revocation.
  void MakeFourEvents() {
    const std::string bytes = TestBytes(5000, 1);
    ASSERT_TRUE(
        PutInStore(*store_, RecordFor(kCourse, "report", "ann", bytes), bytes)
            .ok());
    common::v1::RefusedAttempt attempt;
    attempt.set_course_id(kCourse);
    attempt.set_item_id("report");
    attempt.set_principal("ann");
    attempt.set_code("FAILED_PRECONDITION");
    attempt.set_reason("the item is closed");
    ASSERT_TRUE(store_->refusals().Record(attempt).ok());
    common::v1::Extension extension;
    extension.set_course_id(kCourse);
    extension.set_item_id("report");
    extension.set_principal("ann");
    extension.mutable_due_at()->set_seconds(1714700000);
    extension.set_reason("illness");
    extension.set_granted_by("mosharaf");
    ASSERT_TRUE(store_->extensions().Put(extension).ok());
    ASSERT_TRUE(store_->extensions()
                    .Delete(kCourse, "report", "ann", "mosharaf", "in error")
                    .ok());
  }

  AuditChainReport Verify() {
    auto report = VerifyAuditLogInDirectory(dir_.path());
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : AuditChainReport{};
  }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600800)};
  std::unique_ptr<SubmissionStore> store_;
};

TEST_F(AuditLogTest, EveryAuditedChangeIsOneEventOfOneChain) {
  MakeFourEvents();
  auto events = store_->audit().List();
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(
      *events,
      ElementsAre(
          Property(&AuditEvent::kind, v1::AUDIT_EVENT_KIND_SUBMISSION_ACCEPTED),
          Property(&AuditEvent::kind, v1::AUDIT_EVENT_KIND_ATTEMPT_REFUSED),
          Property(&AuditEvent::kind, v1::AUDIT_EVENT_KIND_EXTENSION_GRANTED),
          Property(&AuditEvent::kind, v1::AUDIT_EVENT_KIND_EXTENSION_REVOKED)));
  const auto listed = store_->List(kCourse, "", "");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*events)[0].subject_id(), (*listed)[0].submission_id());
  EXPECT_EQ((*events)[0].sha256_hex(), (*listed)[0].sha256_hex());
  EXPECT_EQ((*events)[2].actor(), "mosharaf");
  EXPECT_EQ((*events)[3].old_extension().reason(), "illness");

  // Verifiable while the store has the database open.
  const AuditChainReport report = Verify();
  EXPECT_TRUE(report.intact);
  EXPECT_EQ(report.verified_events, 4u);
  EXPECT_EQ(report.head_hash_hex, events->back().hash_hex());
}

TEST_F(AuditLogTest, ConcurrentCommitsFormOneUnbrokenChain) {
  // Commits that arrive while another is being synced are written together
  // (one WriteBatch, one fsync); each must still get its own event, in one
  // chain, and carry that event on its record.
  constexpr int kThreads = 8;
  constexpr int kEach = 12;
  std::vector<std::vector<common::v1::SubmissionRecord>> stored(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &stored] {
      for (int i = 0; i < kEach; ++i) {
        const std::string bytes = TestBytes(3000, 1000 * t + i);
        const std::string student = "s" + std::to_string(t);
        auto record = PutInStore(
            *store_, RecordFor(kCourse, "report", student, bytes), bytes, 1024);
        ASSERT_TRUE(record.ok()) << record.status();
        stored[t].push_back(*std::move(record));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  auto events = store_->audit().List();
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), size_t{kThreads * kEach});
  for (const auto& records : stored) {
    ASSERT_EQ(records.size(), size_t{kEach});
    for (const common::v1::SubmissionRecord& record : records) {
      ASSERT_GE(record.audit_sequence(), 1u);
      ASSERT_LE(record.audit_sequence(), events->size());
      const AuditEvent& event = (*events)[record.audit_sequence() - 1];
      EXPECT_EQ(event.subject_id(), record.submission_id());
      EXPECT_EQ(event.hash_hex(), record.audit_hash_hex());
      EXPECT_EQ(event.recorded_at().seconds(), record.committed_at().seconds());
      auto reread = store_->Get(kCourse, record.submission_id());
      ASSERT_TRUE(reread.ok()) << reread.status();
      EXPECT_EQ(reread->audit_hash_hex(), record.audit_hash_hex());
    }
  }
  const AuditChainReport report = Verify();
  EXPECT_TRUE(report.intact) << report.expected << " / " << report.found;
  EXPECT_EQ(report.verified_events, size_t{kThreads * kEach});
  EXPECT_EQ(report.head_hash_hex, events->back().hash_hex());
}

TEST_F(AuditLogTest, TheChainContinuesAcrossAReopen) {
  MakeFourEvents();
  Reopen();
  const std::string bytes = TestBytes(10, 2);
  ASSERT_TRUE(
      PutInStore(*store_, RecordFor(kCourse, "report", "bob", bytes), bytes)
          .ok());
  const AuditChainReport report = Verify();
  EXPECT_TRUE(report.intact) << report.expected << " / " << report.found;
  EXPECT_EQ(report.verified_events, 5u);
}

TEST_F(AuditLogTest, ACorruptedEventIsFoundAtItsSequence) {
  MakeFourEvents();
  store_.reset();
  // Someone rewrites the refusal's reason with RocksDB directly.
  AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(GetRaw(dir_.path(), keys::AuditKey(2))));
  event.set_reason("FAILED_PRECONDITION: nothing happened");
  PutRaw(dir_.path(), keys::AuditKey(2), event.SerializeAsString());

  const AuditChainReport report = Verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.break_sequence, 2u);
  EXPECT_EQ(report.verified_events, 1u);
  EXPECT_THAT(report.found, HasSubstr("changed"));
}

TEST_F(AuditLogTest, ADeletedMiddleEventIsFound) {
  MakeFourEvents();
  store_.reset();
  DeleteRaw(dir_.path(), keys::AuditKey(3));
  const AuditChainReport report = Verify();
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.break_sequence, 3u);
  EXPECT_EQ(report.expected, "event 3");
  EXPECT_THAT(report.found, HasSubstr("event 4"));
}

TEST_F(AuditLogTest, NoDatabaseIsNotFound) {
  handin::testing::TempDir empty;
  EXPECT_EQ(VerifyAuditLogInDirectory(empty.path()).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace handin::storage
