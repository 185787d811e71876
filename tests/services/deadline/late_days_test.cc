// Late-day budgets and which version counts: the engine's arithmetic
// (started days of elapsed time, across a DST change), the per-item cap,
// the budget shared across items, and the choice of the graded version.

#include "services/deadline/late_days.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/policy.h"
#include "services/deadline/policy_loader.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::common::v1::VerdictKind;
using ::handin::deadline::testing::Utc;
using ::testing::HasSubstr;

// Budget of 3 days. hw1 is due 2024-03-09 12:00 EST (17:00 UTC), the day
// before the clocks spring forward; at most 2 late days on it. hw2 is due
// 2024-03-20 12:00 EDT (16:00 UTC), no cap, and refuses beyond. The
// project is owed by each project group.
// clang-format off
constexpr char kPolicy[] = R"policy(course_id: "c1"
time_zone: "America/Detroit"
roster { students { user_id: "ann" } students { user_id: "bob" } students { user_id: "cat" } }
groups { group_id: "team" kind: GROUP_KIND_PROJECT member_ids: ["ann", "bob"] }
late_days { days: 3 }
items {
  item_id: "hw1" audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: "2024-03-09 12:00" }
  late { late_days { max_days_per_item: 2 } }
}
items {
  item_id: "hw2" audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: "2024-03-20 12:00" }
  late { late_days { refuse_beyond: true } }
  counted_version: COUNTED_VERSION_LATEST_ON_TIME
}
items {
  item_id: "project" audience: AUDIENCE_EACH_PROJECT_GROUP
  due_at { local_time: "2024-04-01 12:00" }
  counted_version: COUNTED_VERSION_FIRST
}
)policy";
// clang-format on

const absl::Time kHw1Due = Utc(2024, 3, 9, 17, 0);
const absl::Time kHw2Due = Utc(2024, 3, 20, 16, 0);

class LateDaysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto course = LoadCourseFromString(kPolicy, "late.textproto");
    ASSERT_TRUE(course.ok()) << course.status();
    course_ = *std::move(course);
  }

  Verdict Judge(const std::string& item, absl::Time started, int spent) {
    auto verdict =
        course_->Evaluate("ann", item, started, std::nullopt, nullptr, spent);
    EXPECT_TRUE(verdict.ok()) << verdict.status();
    return verdict.ok() ? *verdict : Verdict();
  }

  std::unique_ptr<Course> course_;
};

TEST_F(LateDaysTest, ADayIsTwentyFourElapsedHoursEvenAcrossTheDstChange) {
  EXPECT_EQ(course_->LateDaysFor(absl::ZeroDuration()), 0);
  EXPECT_EQ(course_->LateDaysFor(absl::Seconds(1)), 1);
  EXPECT_EQ(course_->LateDaysFor(absl::Hours(24)), 1);
  EXPECT_EQ(course_->LateDaysFor(absl::Hours(24) + absl::Seconds(1)), 2);
  // 2024-03-10 12:30 EDT is 23.5 h after 2024-03-09 12:00 EST: the wall
  // clock says a day and a half hour, the budget one day.
  const Verdict verdict = Judge("hw1", Utc(2024, 3, 10, 16, 30), 0);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(verdict.late_days_spent, 1);
}

TEST_F(LateDaysTest, OnTimeSpendsNothingAndLateSpendsStartedDays) {
  EXPECT_EQ(Judge("hw1", kHw1Due, 0).kind, VERDICT_KIND_ON_TIME);
  EXPECT_EQ(Judge("hw1", kHw1Due, 0).late_days_spent, 0);
  const Verdict verdict = Judge("hw1", kHw1Due + absl::Hours(25), /*spent=*/0);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(verdict.late_days_spent, 2);
  EXPECT_THAT(verdict.reason, HasSubstr("spends 2 late days of the budget; "
                                        "1 of 3 left"));
}

TEST_F(LateDaysTest, BeyondThePerItemCapIsNotCountedEvenWithDaysLeft) {
  const Verdict verdict = Judge("hw1", kHw1Due + absl::Hours(49), 0);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(verdict.late_days_spent, 0);
  EXPECT_THAT(verdict.reason,
              HasSubstr("needs 3 late days, more than the 2 this item allows: "
                        "not counted"));
}

TEST_F(LateDaysTest, BeyondTheDaysLeftTheItemsRuleDecides) {
  // 2 of 3 spent elsewhere: 1 day fits, 2 do not.
  EXPECT_EQ(Judge("hw2", kHw2Due + absl::Hours(20), 2).kind,
            VERDICT_KIND_LATE_COUNTED);
  const Verdict verdict = Judge("hw2", kHw2Due + absl::Hours(30), 2);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_REFUSED);
  EXPECT_THAT(verdict.reason,
              HasSubstr("needs 2 late days but only 1 of 3 are left: refused"));
}

TEST_F(LateDaysTest, AnItemWithoutABudgetFailsTheLoad) {
  const std::string policy =
      absl::StrReplaceAll(kPolicy, {{"late_days { days: 3 }", ""}});
  auto course = LoadCourseFromString(policy, "late.textproto");
  ASSERT_FALSE(course.ok());
  EXPECT_THAT(course.status().message(),
              HasSubstr("late.textproto:9:3: item \"hw1\" spends late days, "
                        "but the course has no budget"));
}

PastSubmission Past(std::string id, std::string item, VerdictKind kind,
                    absl::Duration lateness = absl::ZeroDuration(),
                    std::string principal = "ann") {
  return {std::move(id), std::move(item), std::move(principal), kind, lateness};
}

TEST_F(LateDaysTest, TheLedgerChargesOnlyTheVersionThatCounts) {
  const std::vector<PastSubmission> own = {
      // hw1: late by 2 days, then re-uploaded 1 day late; the latest counts.
      Past("01", "hw1", VERDICT_KIND_LATE_COUNTED, absl::Hours(30)),
      Past("02", "hw1", VERDICT_KIND_LATE_COUNTED, absl::Hours(2)),
      // hw2 counts its on-time version, so a later late one charges nothing.
      Past("03", "hw2", VERDICT_KIND_ON_TIME),
      Past("04", "hw2", VERDICT_KIND_LATE_COUNTED, absl::Hours(5)),
      // Not counted and unknown items are ignored.
      Past("05", "hw1", VERDICT_KIND_LATE_NOT_COUNTED, absl::Hours(90)),
      Past("06", "gone", VERDICT_KIND_LATE_COUNTED, absl::Hours(5)),
  };
  const LateDayLedger ledger(*course_, own);
  EXPECT_EQ(ledger.Spent(), 1);
  EXPECT_EQ(ledger.SpentExcept("hw1"), 0);
  EXPECT_EQ(ledger.SpentExcept("hw2"), 1);
}

TEST_F(LateDaysTest, CountedVersionRulesPickTheirCandidate) {
  const std::vector<PastSubmission> uploads = {
      Past("01", "x", VERDICT_KIND_ON_TIME),
      Past("02", "x", VERDICT_KIND_ON_TIME),
      Past("03", "x", VERDICT_KIND_LATE_COUNTED, absl::Hours(1)),
      Past("04", "x", VERDICT_KIND_LATE_NOT_COUNTED, absl::Hours(1)),
      Past("05", "x", VERDICT_KIND_REFUSED),
  };
  ConcreteItem item;
  item.counted_version = v1::COUNTED_VERSION_LATEST;
  EXPECT_EQ(ChooseCounted(item, uploads), 2);
  item.counted_version = v1::COUNTED_VERSION_LATEST_ON_TIME;
  EXPECT_EQ(ChooseCounted(item, uploads), 1);
  item.counted_version = v1::COUNTED_VERSION_FIRST;
  EXPECT_EQ(ChooseCounted(item, uploads), 0);
  // Only late ones: LATEST_ON_TIME falls back to the latest counted.
  item.counted_version = v1::COUNTED_VERSION_LATEST_ON_TIME;
  EXPECT_EQ(ChooseCounted(item, absl::MakeSpan(uploads).subspan(2)), 0);
  // Nothing counts.
  EXPECT_EQ(ChooseCounted(item, absl::MakeSpan(uploads).subspan(3)), -1);
}

TEST_F(LateDaysTest, UploadOrderIsSubmissionIdOrderNotListOrder) {
  const std::vector<PastSubmission> uploads = {
      Past("20240301T000002", "x", VERDICT_KIND_ON_TIME),
      Past("20240301T000001", "x", VERDICT_KIND_ON_TIME),
  };
  ConcreteItem item;
  item.counted_version = v1::COUNTED_VERSION_LATEST;
  EXPECT_EQ(ChooseCounted(item, uploads), 0);
  item.counted_version = v1::COUNTED_VERSION_FIRST;
  EXPECT_EQ(ChooseCounted(item, uploads), 1);
}

TEST_F(LateDaysTest, GroupItemsAreSubmittedForTheGroup) {
  const ConcreteItem& project = *course_->FindItem("project");
  EXPECT_TRUE(project.owed_by_groups);
  EXPECT_EQ(project.counted_version, v1::COUNTED_VERSION_FIRST);
  EXPECT_EQ(course_->SubmitterUnit("ann", project), "team");
  EXPECT_EQ(course_->SubmitterUnit("bob", project), "team");
  const ConcreteItem& hw1 = *course_->FindItem("hw1");
  EXPECT_FALSE(hw1.owed_by_groups);
  EXPECT_EQ(hw1.counted_version, v1::COUNTED_VERSION_LATEST);
  EXPECT_EQ(course_->SubmitterUnit("ann", hw1), "ann");
}

}  // namespace
}  // namespace handin::deadline
