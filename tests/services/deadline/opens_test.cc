// Opening times: an item may open after the start of the course; uploads
// before it are refused however they are extended, and an opening not
// before the due instant fails the load.

#include <memory>
#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/policy.h"
#include "services/deadline/policy_loader.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::deadline::testing::kMinimalPolicy;
using ::handin::deadline::testing::Utc;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The report opens 2024-03-04 00:00 EST (05:00 UTC), due 2024-03-10 18:00
// EDT; the Mar 19 slides open 7 days (elapsed) before the session starts,
// 2024-03-12 10:30 EDT (14:30 UTC), due 24 h before it.
// clang-format off
constexpr char kPolicy[] = R"policy(course_id: "c1"
time_zone: "America/Detroit"
session_start_time: "10:30"
session_end_time: "12:00"
roster { students { user_id: "ann" } students { user_id: "bob" } }
groups { group_id: "ann-bob" kind: GROUP_KIND_PRESENTATION member_ids: ["ann", "bob"] }
sessions { date: "2024-03-19" presenters { group_id: "ann-bob" } }
items {
  item_id: "slides" per_session {} audience: AUDIENCE_SESSION_PRESENTERS
  due_from_session { anchor: SESSION_ANCHOR_START offset { seconds: -86400 } }
  opens_from_session { anchor: SESSION_ANCHOR_START offset { seconds: -604800 } }
}
items {
  item_id: "report" audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: "2024-03-10 18:00" }
  opens_at { local_time: "2024-03-04 00:00" }
}
)policy";
// clang-format on

class OpensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto course = LoadCourseFromString(kPolicy, "opens.textproto");
    ASSERT_TRUE(course.ok()) << course.status();
    course_ = *std::move(course);
  }

  Verdict Judge(const std::string& item, absl::Time started,
                const Extension* extension = nullptr) {
    auto verdict =
        course_->Evaluate("ann", item, started, std::nullopt, extension);
    EXPECT_TRUE(verdict.ok()) << verdict.status();
    return verdict.ok() ? *verdict : Verdict();
  }

  std::unique_ptr<Course> course_;
};

TEST_F(OpensTest, BeforeTheOpeningAnUploadIsRefusedSayingHowEarly) {
  const Verdict verdict = Judge("report", Utc(2024, 3, 1, 14, 0));
  EXPECT_EQ(verdict.kind, VERDICT_KIND_REFUSED);
  EXPECT_EQ(verdict.reason,
            "report opens 2024-03-04 00:00 EST; started 2024-03-01 09:00 "
            "EST: 2 days 15 hours early");
}

TEST_F(OpensTest, AtTheOpeningInstantTheItemIsOpen) {
  const absl::Time opens = Utc(2024, 3, 4, 5, 0);
  EXPECT_EQ(course_->FindItem("report")->opens_at, opens);
  EXPECT_EQ(Judge("report", opens).kind, VERDICT_KIND_ON_TIME);
  const Verdict before = Judge("report", opens - absl::Seconds(1));
  EXPECT_EQ(before.kind, VERDICT_KIND_REFUSED);
  EXPECT_THAT(before.reason, HasSubstr(": 1 second early"));
}

TEST_F(OpensTest, AfterTheOpeningTheDueRulesApply) {
  EXPECT_EQ(Judge("report", Utc(2024, 3, 8, 12, 0)).kind, VERDICT_KIND_ON_TIME);
}

TEST_F(OpensTest, ATemplateOpensRelativeToEachSession) {
  const ConcreteItem* slides = course_->FindItem("slides/2024-03-19");
  ASSERT_NE(slides, nullptr);
  EXPECT_EQ(slides->opens_at, Utc(2024, 3, 12, 14, 30));
  const Verdict early = Judge("slides/2024-03-19", Utc(2024, 3, 12, 14, 29));
  EXPECT_EQ(early.kind, VERDICT_KIND_REFUSED);
  EXPECT_EQ(early.reason,
            "slides/2024-03-19 opens 2024-03-12 10:30 EDT; started "
            "2024-03-12 10:29 EDT: 1 minute early");
  EXPECT_EQ(Judge("slides/2024-03-19", Utc(2024, 3, 12, 14, 30)).kind,
            VERDICT_KIND_ON_TIME);
}

TEST_F(OpensTest, AnExtensionDoesNotOpenAnItemEarly) {
  const Extension extension{"report", "ann", Utc(2024, 3, 20, 22, 0), "prof",
                            "illness"};
  const Verdict verdict = Judge("report", Utc(2024, 3, 1, 14, 0), &extension);
  EXPECT_EQ(verdict.kind, VERDICT_KIND_REFUSED);
  EXPECT_THAT(verdict.reason, StartsWith("report opens 2024-03-04 00:00 EST"));
  EXPECT_EQ(Judge("report", Utc(2024, 3, 15, 12, 0), &extension).kind,
            VERDICT_KIND_ON_TIME);
}

TEST(Opens, AnItemWithoutAnOpeningIsOpenFromTheStart) {
  auto course = LoadCourseFromString(kMinimalPolicy, "test.textproto");
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_EQ((*course)->items()[0].opens_at, absl::InfinitePast());
  auto verdict = (*course)->Evaluate("ann", "slides/2024-03-19",
                                     Utc(2001, 1, 1, 0, 0), std::nullopt);
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_EQ(verdict->kind, VERDICT_KIND_ON_TIME);
}

TEST(Opens, AnOpeningNotBeforeTheDueInstantFailsTheLoad) {
  auto course = LoadCourseFromString(
      absl::StrReplaceAll(kPolicy, {{"opens_at { local_time: \"2024-03-04",
                                     "opens_at { local_time: \"2024-03-10"},
                                    {"00:00\" }", "18:00\" }"}}),
      "opens.textproto");
  ASSERT_FALSE(course.ok());
  EXPECT_EQ(course.status().message(),
            "opens.textproto:16:3: item \"report\" opens 2024-03-10 18:00 "
            "EDT, not before it is due (2024-03-10 18:00 EDT); opens must be "
            "before the due instant");
}

TEST(Opens, ATemplateOpeningAfterASessionsDueInstantFailsTheLoad) {
  auto course = LoadCourseFromString(
      absl::StrReplaceAll(kPolicy, {{"seconds: -604800", "seconds: 0"}}),
      "opens.textproto");
  ASSERT_FALSE(course.ok());
  EXPECT_THAT(std::string(course.status().message()),
              StartsWith("opens.textproto:11:3: item \"slides/2024-03-19\" "
                         "opens 2024-03-19 10:30 EDT, not before it is due"));
}

TEST(Opens, AnOpeningFromAnUnknownSessionFailsTheLoad) {
  auto course = LoadCourseFromString(
      absl::StrReplaceAll(
          kPolicy, {{"opens_at { local_time: \"2024-03-04 00:00\" }",
                     "opens_from_session { session_id: \"2024-01-01\" anchor: "
                     "SESSION_ANCHOR_START }"}}),
      "opens.textproto");
  ASSERT_FALSE(course.ok());
  EXPECT_THAT(std::string(course.status().message()),
              HasSubstr("item \"report\": session \"2024-01-01\" is not "
                        "defined in sessions"));
}

}  // namespace
}  // namespace handin::deadline
