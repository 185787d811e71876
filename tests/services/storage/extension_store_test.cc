#include "services/storage/extension_store.h"

#include <memory>
#include <string>

#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/audit_chain.h"
#include "services/storage/keys.h"
#include "services/storage/submission_store.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Extension;
using ::handin::storage::testing::GetRaw;
using ::handin::storage::testing::PutRaw;
using ::handin::storage::v1::EXTENSION_ACTION_GRANT;
using ::handin::storage::v1::EXTENSION_ACTION_REVOKE;
using ::handin::storage::v1::ExtensionAuditEntry;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::SizeIs;

constexpr char kCourse[] = "eecs598-w24";
const absl::Time kStart = absl::FromUnixSeconds(1710000000);

Extension MakeExtension(const std::string& item, const std::string& principal,
                        int64_t due_seconds, const std::string& reason) {
  Extension extension;
  extension.set_course_id(kCourse);
  extension.set_item_id(item);
  extension.set_principal(principal);
  extension.mutable_due_at()->set_seconds(due_seconds);
  extension.set_reason(reason);
  extension.set_granted_by("mosharaf");
  return extension;
}

class ExtensionStoreTest : public ::testing::Test {
 protected:
  ExtensionStoreTest() : clock_(kStart) { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  ExtensionStore& extensions() { return store_->extensions(); }

  std::vector<ExtensionAuditEntry> Audit() {
    auto entries = extensions().ListAudit(kCourse);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return entries.ok() ? *entries : std::vector<ExtensionAuditEntry>();
  }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_;
  std::unique_ptr<SubmissionStore> store_;
};

TEST_F(ExtensionStoreTest, PutStoresTheExtensionStampedWithTheClock) {
  auto put = extensions().Put(
      MakeExtension("summary/2024-03-19", "ann", 100, "illness"));
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_FALSE(put->previous.has_value());
  EXPECT_EQ(FromProtoTimestamp(put->stored.granted_at()), kStart);

  auto listed = extensions().List(kCourse, "", "");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].principal(), "ann");
  EXPECT_EQ((*listed)[0].due_at().seconds(), 100);
  EXPECT_EQ((*listed)[0].reason(), "illness");
}

TEST_F(ExtensionStoreTest, PutReplacesAndAuditsTheOldValue) {
  ASSERT_TRUE(extensions().Put(MakeExtension("report", "ann", 100, "a")).ok());
  clock_.Advance(absl::Minutes(5));
  auto put = extensions().Put(MakeExtension("report", "ann", 200, "b"));
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_TRUE(put->previous.has_value());
  EXPECT_EQ(put->previous->due_at().seconds(), 100);

  auto listed = extensions().List(kCourse, "report", "ann");
  ASSERT_TRUE(listed.ok());
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].due_at().seconds(), 200);

  const std::vector<ExtensionAuditEntry> audit = Audit();
  ASSERT_THAT(audit, SizeIs(2));
  EXPECT_EQ(audit[0].sequence(), 1u);
  EXPECT_EQ(audit[0].action(), EXTENSION_ACTION_GRANT);
  EXPECT_FALSE(audit[0].has_old_value());
  EXPECT_EQ(audit[1].sequence(), 2u);
  EXPECT_EQ(audit[1].actor(), "mosharaf");
  EXPECT_EQ(audit[1].reason(), "b");
  EXPECT_EQ(audit[1].old_value().due_at().seconds(), 100);
  EXPECT_EQ(audit[1].new_value().due_at().seconds(), 200);
  EXPECT_EQ(FromProtoTimestamp(audit[1].recorded_at()),
            kStart + absl::Minutes(5));
}

TEST_F(ExtensionStoreTest, DeleteRemovesAndAuditsWhoAndWhy) {
  ASSERT_TRUE(extensions().Put(MakeExtension("report", "ann", 100, "a")).ok());
  auto revoked = extensions().Delete(kCourse, "report", "ann", "mosharaf",
                                     "granted twice");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->due_at().seconds(), 100);
  EXPECT_THAT(*extensions().List(kCourse, "", ""), IsEmpty());

  const std::vector<ExtensionAuditEntry> audit = Audit();
  ASSERT_THAT(audit, SizeIs(2));
  EXPECT_EQ(audit[1].action(), EXTENSION_ACTION_REVOKE);
  EXPECT_EQ(audit[1].reason(), "granted twice");
  EXPECT_EQ(audit[1].old_value().principal(), "ann");
  EXPECT_FALSE(audit[1].has_new_value());
}

TEST_F(ExtensionStoreTest, DeletingWhatIsNotThereIsNotFoundAndAuditsNothing) {
  auto revoked = extensions().Delete(kCourse, "report", "ann", "mosharaf", "x");
  EXPECT_EQ(revoked.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(revoked.status().message(), HasSubstr("report"));
  EXPECT_THAT(Audit(), IsEmpty());
}

TEST_F(ExtensionStoreTest, MalformedExtensionsAreRefusedAndNothingIsWritten) {
  Extension no_reason = MakeExtension("report", "ann", 100, "");
  Extension no_granter = MakeExtension("report", "ann", 100, "r");
  no_granter.clear_granted_by();
  Extension no_due = MakeExtension("report", "ann", 100, "r");
  no_due.clear_due_at();
  Extension nul_principal =
      MakeExtension("report", std::string("a\0b", 3), 100, "r");
  for (const Extension& bad : {no_reason, no_granter, no_due, nul_principal}) {
    EXPECT_EQ(extensions().Put(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad.DebugString();
  }
  EXPECT_THAT(*extensions().List(kCourse, "", ""), IsEmpty());
  EXPECT_THAT(Audit(), IsEmpty());
}

TEST_F(ExtensionStoreTest, ListFiltersByItemAndPrincipalWithoutPrefixLeaks) {
  ASSERT_TRUE(extensions().Put(MakeExtension("report", "ann", 1, "r")).ok());
  ASSERT_TRUE(extensions().Put(MakeExtension("slides", "ann", 2, "r")).ok());
  ASSERT_TRUE(
      extensions().Put(MakeExtension("report", "ann-bob", 3, "r")).ok());
  Extension other_course = MakeExtension("report", "ann", 4, "r");
  other_course.set_course_id("eecs598");
  ASSERT_TRUE(extensions().Put(other_course).ok());

  auto by_ann = extensions().List(kCourse, "", "ann");
  ASSERT_TRUE(by_ann.ok());
  EXPECT_THAT(*by_ann, ElementsAre(Property(&Extension::item_id, "report"),
                                   Property(&Extension::item_id, "slides")));
  auto of_report = extensions().List(kCourse, "report", "");
  ASSERT_TRUE(of_report.ok());
  EXPECT_THAT(*of_report,
              ElementsAre(Property(&Extension::principal, "ann"),
                          Property(&Extension::principal, "ann-bob")));
  EXPECT_THAT(*extensions().List("eecs598", "", ""), SizeIs(1));
  EXPECT_EQ(extensions().List("", "", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ExtensionStoreTest, ExtensionsAndTheAuditChainSurviveAReopen) {
  ASSERT_TRUE(extensions().Put(MakeExtension("report", "ann", 100, "a")).ok());
  ASSERT_TRUE(extensions().Put(MakeExtension("report", "bob", 100, "b")).ok());
  Reopen();
  auto listed = extensions().List(kCourse, "", "");
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(*listed, SizeIs(2));
  ASSERT_TRUE(
      extensions().Delete(kCourse, "report", "bob", "mosharaf", "c").ok());

  const std::vector<ExtensionAuditEntry> audit = Audit();
  ASSERT_THAT(audit, SizeIs(3));
  // The sequence continues across the reopen, and each entry names the
  // hash of the audit event before it.
  store_.reset();
  std::string previous_hash;
  for (uint64_t i = 0; i < audit.size(); ++i) {
    EXPECT_EQ(audit[i].sequence(), i + 1);
    EXPECT_EQ(audit[i].previous_sha256_hex(), previous_hash) << i;
    v1::AuditEvent event;
    ASSERT_TRUE(
        event.ParseFromString(GetRaw(dir_.path(), keys::AuditKey(i + 1))));
    EXPECT_EQ(event.hash_hex(), AuditEventHash(event));
    previous_hash = event.hash_hex();
  }
}

TEST_F(ExtensionStoreTest, ACorruptLastAuditEntryStopsTheOpen) {
  ASSERT_TRUE(extensions().Put(MakeExtension("report", "ann", 100, "a")).ok());
  store_.reset();
  PutRaw(dir_.path(), keys::AuditKey(1), "\xff\xff not a proto");
  auto store = SubmissionStore::Open(dir_.path(), clock_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace handin::storage
