// Extensions in the policy engine: Evaluate under an extension, which
// extension applies to a student, and which grants are valid.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/deadlines.h"
#include "services/deadline/extensions.h"
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
using ::testing::StartsWith;

// Times are EDT (UTC-4) throughout: report due May 1 18:00 = 22:00 UTC.
// clang-format off
constexpr char kPolicy[] = R"policy(course_id: "c1"
time_zone: "America/Detroit"
roster {
  students { user_id: "ann" }
  students { user_id: "bob" }
  students { user_id: "cat" }
  staff { user_id: "prof" role: STAFF_ROLE_INSTRUCTOR }
  staff { user_id: "gsi" role: STAFF_ROLE_GRADER }
}
groups { group_id: "ann-bob" kind: GROUP_KIND_PROJECT member_ids: ["ann", "bob"] }
groups { group_id: "bob-cat" kind: GROUP_KIND_PRESENTATION member_ids: ["bob", "cat"] }
items {
  item_id: "report" audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: "2024-05-01 18:00" } grace { seconds: 900 }
  late { hard_close {} }
}
items {
  item_id: "summary" audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: "2024-03-20 12:00" } late { not_counted {} }
}
items {
  item_id: "essay" audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: "2024-04-01 12:00" }
  late { percent_per_period { percent: 10 period { seconds: 86400 } } }
}
items {
  item_id: "proposal" audience: AUDIENCE_EACH_PROJECT_GROUP
  due_at { local_time: "2024-02-09 18:00" } late { hard_close {} }
}
)policy";
// clang-format on

Extension Ext(const std::string& item, const std::string& principal,
              absl::Time due, const std::string& by = "prof",
              const std::string& reason = "illness") {
  return Extension{item, principal, due, by, reason};
}

class ExtensionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto course = LoadCourseFromString(kPolicy, "extension_test");
    ASSERT_TRUE(course.ok()) << course.status();
    course_ = *std::move(course);
  }

  Verdict Judge(const std::string& principal, const std::string& item,
                absl::Time started, const Extension* extension) {
    auto verdict =
        course_->Evaluate(principal, item, started, std::nullopt, extension);
    EXPECT_TRUE(verdict.ok()) << verdict.status();
    return verdict.ok() ? *verdict : Verdict();
  }

  std::unique_ptr<Course> course_;
};

TEST_F(ExtensionTest, ExtensionOverridesAHardClose) {
  const Extension extension = Ext("report", "ann", Utc(2024, 5, 3, 22, 0));
  const absl::Time started = Utc(2024, 5, 2, 16, 0);
  EXPECT_EQ(Judge("ann", "report", started, nullptr).kind,
            VERDICT_KIND_REFUSED);
  const Verdict verdict = Judge("ann", "report", started, &extension);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_ON_TIME);
  EXPECT_EQ(verdict.due_at, extension.due_at);
  EXPECT_THAT(verdict.reason,
              StartsWith("extended to 2024-05-03 18:00 EDT by prof: illness;"));
}

TEST_F(ExtensionTest, AfterTheExtendedDueAndGraceAHardCloseRefusesFromIt) {
  const Extension extension = Ext("report", "ann", Utc(2024, 5, 3, 22, 0));
  // 10 minutes past: inside the item's 15-minute grace.
  EXPECT_EQ(Judge("ann", "report", Utc(2024, 5, 3, 22, 10), &extension).kind,
            VERDICT_KIND_ON_TIME);
  const Verdict verdict =
      Judge("ann", "report", Utc(2024, 5, 3, 22, 20), &extension);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_REFUSED);
  EXPECT_EQ(verdict.lateness, absl::Minutes(20));
  EXPECT_THAT(verdict.reason,
              HasSubstr("the extension closed at 2024-05-03 18:15 EDT"));
}

TEST_F(ExtensionTest, NotCountedCountsUpToTheExtendedDue) {
  const Extension extension = Ext("summary", "bob", Utc(2024, 3, 22, 16, 0));
  const absl::Time started = Utc(2024, 3, 21, 12, 0);
  EXPECT_EQ(Judge("bob", "summary", started, nullptr).kind,
            VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(Judge("bob", "summary", started, &extension).kind,
            VERDICT_KIND_ON_TIME);
  EXPECT_EQ(Judge("bob", "summary", Utc(2024, 3, 22, 16, 1), &extension).kind,
            VERDICT_KIND_LATE_NOT_COUNTED);
}

TEST_F(ExtensionTest, PenaltyPeriodsCountFromTheExtendedDue) {
  const Extension extension = Ext("essay", "cat", Utc(2024, 4, 3, 16, 0));
  // 25 h after the extended due (2 periods); 3 days 25 h after the item's.
  const Verdict verdict =
      Judge("cat", "essay", Utc(2024, 4, 4, 17, 0), &extension);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(verdict.lateness, absl::Hours(25));
  EXPECT_DOUBLE_EQ(verdict.penalty_percent, 20);
}

TEST_F(ExtensionTest, AnExtensionNeverShortensTheItemsOwnDue) {
  // A stale extension earlier than the item's due (say the policy moved).
  const Extension extension = Ext("essay", "cat", Utc(2024, 3, 1, 16, 0));
  const Verdict verdict =
      Judge("cat", "essay", Utc(2024, 4, 1, 15, 0), &extension);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_ON_TIME);
  EXPECT_EQ(verdict.due_at, course_->FindItem("essay")->due_at);
}

TEST_F(ExtensionTest, NonOwersAreRefusedEvenWithAnExtension) {
  const Extension extension = Ext("report", "prof", Utc(2024, 5, 3, 22, 0));
  EXPECT_EQ(Judge("prof", "report", Utc(2024, 5, 2, 0, 0), &extension).kind,
            VERDICT_KIND_REFUSED);
}

TEST_F(ExtensionTest, AnExtensionOfAnotherItemIsAnError) {
  const Extension extension = Ext("essay", "ann", Utc(2024, 5, 3, 22, 0));
  EXPECT_EQ(course_
                ->Evaluate("ann", "report", Utc(2024, 5, 2, 0, 0), std::nullopt,
                           &extension)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ExtensionTest, AGroupExtensionAppliesToEveryMemberAndSaysSo) {
  const std::vector<Extension> extensions = {
      Ext("proposal", "ann-bob", Utc(2024, 2, 12, 23, 0))};
  for (const char* member : {"ann", "bob"}) {
    const Extension* chosen =
        ChooseExtension(*course_, member, "proposal", extensions);
    ASSERT_NE(chosen, nullptr) << member;
    const Verdict verdict =
        Judge(member, "proposal", Utc(2024, 2, 11, 0, 0), chosen);
    EXPECT_EQ(verdict.kind, VERDICT_KIND_ON_TIME) << member;
    EXPECT_THAT(verdict.reason, HasSubstr("by prof for group ann-bob"));
  }
  EXPECT_EQ(ChooseExtension(*course_, "cat", "proposal", extensions), nullptr);
  EXPECT_EQ(ChooseExtension(*course_, "ann", "report", extensions), nullptr);
}

TEST_F(ExtensionTest, TheLaterOfAStudentsAndAGroupsExtensionWins) {
  const Extension own = Ext("essay", "bob", Utc(2024, 4, 2, 16, 0));
  const Extension group = Ext("essay", "bob-cat", Utc(2024, 4, 5, 16, 0));
  const Extension other = Ext("essay", "ann-bob", Utc(2024, 4, 3, 16, 0));
  for (const std::vector<Extension>& extensions :
       {std::vector<Extension>{own, group, other},
        std::vector<Extension>{group, other, own}}) {
    const Extension* chosen =
        ChooseExtension(*course_, "bob", "essay", extensions);
    ASSERT_NE(chosen, nullptr);
    EXPECT_EQ(chosen->principal, "bob-cat");
  }
  // On a tie, the student's own.
  const Extension tie = Ext("essay", "bob", group.due_at);
  const std::vector<Extension> tied = {group, tie};
  EXPECT_EQ(ChooseExtension(*course_, "bob", "essay", tied)->principal, "bob");
}

TEST_F(ExtensionTest, ListDeadlinesShowsTheExtendedDue) {
  const std::vector<Extension> extensions = {
      Ext("summary", "ann", Utc(2024, 3, 22, 16, 0))};
  const absl::Time now = Utc(2024, 3, 21, 16, 0);
  auto owed = ListDeadlines(*course_, "ann", now, {}, extensions);
  ASSERT_TRUE(owed.ok()) << owed.status();
  const OwedItem* summary = nullptr;
  for (const OwedItem& item : *owed) {
    if (item.item->id == "summary") summary = &item;
  }
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->due_at, extensions[0].due_at);
  EXPECT_EQ(summary->time_left, absl::Hours(24));
  EXPECT_EQ(summary->verdict_now, VERDICT_KIND_ON_TIME);
}

struct GrantCase {
  const char* name;
  Extension grant;
  absl::StatusCode code;
  const char* message;  // a substring of the error; "" for OK
};

void PrintTo(const GrantCase& c, std::ostream* os) { *os << c.name; }

class ValidateGrantTest : public ExtensionTest,
                          public ::testing::WithParamInterface<GrantCase> {};

TEST_P(ValidateGrantTest, ChecksWhoWhatAndWhen) {
  const GrantCase& c = GetParam();
  const absl::Status status = ValidateGrant(*course_, c.grant);
  EXPECT_EQ(status.code(), c.code) << status;
  EXPECT_THAT(status.message(), HasSubstr(c.message));
}

const absl::Time kLater = Utc(2024, 5, 3, 22, 0);

INSTANTIATE_TEST_SUITE_P(
    Grants, ValidateGrantTest,
    ::testing::Values(
        GrantCase{"InstructorGrantsAStudent", Ext("report", "ann", kLater),
                  absl::StatusCode::kOk, ""},
        GrantCase{"InstructorGrantsAGroup", Ext("proposal", "ann-bob", kLater),
                  absl::StatusCode::kOk, ""},
        GrantCase{"GraderCannotGrant", Ext("report", "ann", kLater, "gsi"),
                  absl::StatusCode::kPermissionDenied,
                  "only an instructor of c1 may grant extensions; gsi is a "
                  "grader"},
        GrantCase{"StudentCannotGrant", Ext("report", "ann", kLater, "ann"),
                  absl::StatusCode::kPermissionDenied,
                  "ann is not on the course staff"},
        GrantCase{
            "ShorteningIsRefused", Ext("report", "ann", Utc(2024, 5, 1, 12, 0)),
            absl::StatusCode::kInvalidArgument, "is not after the item's own"},
        GrantCase{
            "TheSameDueIsRefused", Ext("report", "ann", Utc(2024, 5, 1, 22, 0)),
            absl::StatusCode::kInvalidArgument, "is not after the item's own"},
        GrantCase{"AReasonIsRequired", Ext("report", "ann", kLater, "prof", ""),
                  absl::StatusCode::kInvalidArgument, "reason is required"},
        GrantCase{"UnknownItem", Ext("nope", "ann", kLater),
                  absl::StatusCode::kNotFound, "no item \"nope\""},
        GrantCase{"UnknownPrincipal", Ext("report", "zed", kLater),
                  absl::StatusCode::kNotFound,
                  "zed is neither a student nor a group"},
        GrantCase{"PrincipalMustOweTheItem", Ext("proposal", "cat", kLater),
                  absl::StatusCode::kFailedPrecondition,
                  "cat does not owe proposal"}),
    [](const ::testing::TestParamInfo<GrantCase>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace handin::deadline
