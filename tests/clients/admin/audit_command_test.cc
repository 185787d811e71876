// handin-admin audit verify on a real on-disk database: intact, with an
// event rewritten through RocksDB directly, and with a middle event deleted;
// through the library and through the built binary.
#include "clients/admin/audit_command.h"

#include <memory>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"
#include "services/storage/submission_store.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::admin {
namespace {

using ::handin::storage::testing::DeleteRaw;
using ::handin::storage::testing::GetRaw;
using ::handin::storage::testing::PutInStore;
using ::handin::storage::testing::PutRaw;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class AdminAuditVerifyTest : public ::testing::Test {
 protected:
  // Writes three submissions and two refusals: five audit events.
  void SetUp() override {
    auto store = storage::SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 3; ++i) {
      const std::string bytes = TestBytes(1000, i);
      ASSERT_TRUE(PutInStore(**store,
                             RecordFor("eecs598-w24", "report", "ann", bytes),
                             bytes)
                      .ok());
      if (i == 2) break;
      common::v1::RefusedAttempt attempt;
      attempt.set_course_id("eecs598-w24");
      attempt.set_item_id("report");
      attempt.set_principal("bob");
      attempt.set_code("DATA_LOSS");
      attempt.set_reason("short");
      ASSERT_TRUE((*store)->refusals().Record(attempt).ok());
    }
  }

  int Verify() { return RunAuditVerify(dir_.path(), out_, err_); }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600800)};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(AdminAuditVerifyTest, AnIntactChainPrintsItsLengthAndHead) {
  EXPECT_EQ(Verify(), kExitOk);
  EXPECT_THAT(out_.str(), MatchesRegex("audit chain intact: 5 events, head "
                                       "[0-9a-f]{64}\n"));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(AdminAuditVerifyTest, AnEventRewrittenInRocksDbIsTheFirstBreak) {
  storage::v1::AuditEvent event;
  ASSERT_TRUE(
      event.ParseFromString(GetRaw(dir_.path(), storage::keys::AuditKey(2))));
  event.set_reason("nothing was refused");
  PutRaw(dir_.path(), storage::keys::AuditKey(2), event.SerializeAsString());
  EXPECT_EQ(Verify(), kExitFound);
  EXPECT_THAT(out_.str(), HasSubstr("audit chain broken at event 2: expected "
                                    "hash "));
  EXPECT_THAT(out_.str(), HasSubstr("(the event was changed)"));
  EXPECT_THAT(out_.str(), HasSubstr("1 events verified before the break"));
}

TEST_F(AdminAuditVerifyTest, ADeletedMiddleEventIsTheFirstBreak) {
  DeleteRaw(dir_.path(), storage::keys::AuditKey(3));
  EXPECT_EQ(Verify(), kExitFound);
  EXPECT_THAT(out_.str(),
              HasSubstr("audit chain broken at event 3: expected event 3, "
                        "found event 4 (events 3..3 are missing: deleted)"));
}

TEST_F(AdminAuditVerifyTest, NoDatabaseIsAnErrorNamingTheDirectory) {
  handin::testing::TempDir empty;
  EXPECT_EQ(RunAuditVerify(empty.path(), out_, err_), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("no handin database in " + empty.path()));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(AdminAuditVerifyTest, TheBinaryTakesSubcommandsAndExitsByTheVerdict) {
  const std::string binary = HANDIN_ADMIN_BINARY;
  handin::testing::CommandResult intact = handin::testing::RunCommand(
      {binary, "audit", "verify", "--data_dir", dir_.path()});
  EXPECT_EQ(intact.exit_code, 0) << intact.err;
  EXPECT_THAT(intact.out, HasSubstr("audit chain intact: 5 events"));

  DeleteRaw(dir_.path(), storage::keys::AuditKey(1));
  handin::testing::CommandResult broken = handin::testing::RunCommand(
      {binary, "audit", "verify", "--data_dir", dir_.path()});
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_THAT(broken.out, HasSubstr("audit chain broken at event 1"));

  handin::testing::CommandResult usage =
      handin::testing::RunCommand({binary, "audit", "verify"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_THAT(usage.err, HasSubstr("--data_dir"));
}

}  // namespace
}  // namespace handin::admin
