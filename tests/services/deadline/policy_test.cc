// The engine's rules on small policies made for the purpose: late rules,
// grace, daylight saving, audiences, titles and errors.

#include "services/deadline/policy.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::deadline::testing::kMinimalPolicy;
using ::handin::deadline::testing::Utc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// kMinimalPolicy's slides/2024-03-19: due 24 h before 2024-03-19 10:30 EDT.
const absl::Time kSlidesDue = Utc(2024, 3, 18, 14, 30);

// Loads kMinimalPolicy with `item_fields` added to its one item.
std::unique_ptr<Course> MinimalWithItemFields(absl::string_view item_fields) {
  auto course = LoadCourseFromString(
      absl::StrReplaceAll(kMinimalPolicy, {{"  per_session {}\n",
                                            absl::StrCat("  per_session {}\n  ",
                                                         item_fields, "\n")}}),
      "test.textproto");
  EXPECT_TRUE(course.ok()) << course.status();
  return course.ok() ? *std::move(course) : nullptr;
}

Verdict MustEvaluate(const Course& course, absl::string_view principal,
                     absl::string_view item, absl::Time started,
                     std::optional<absl::Time> completed = std::nullopt) {
  auto verdict = course.Evaluate(principal, item, started, completed);
  EXPECT_TRUE(verdict.ok()) << verdict.status();
  return verdict.ok() ? *verdict : Verdict{};
}

TEST(Course, HardCloseRefusesASubmissionPastDueAndGrace) {
  auto course =
      MinimalWithItemFields("late { hard_close {} } grace { seconds: 60 }");
  ASSERT_NE(course, nullptr);
  EXPECT_EQ(MustEvaluate(*course, "ann", "slides/2024-03-19",
                         kSlidesDue + absl::Seconds(60))
                .kind,
            VERDICT_KIND_ON_TIME);
  const Verdict late = MustEvaluate(*course, "ann", "slides/2024-03-19",
                                    kSlidesDue + absl::Seconds(61));
  EXPECT_EQ(late.kind, VERDICT_KIND_REFUSED);
  EXPECT_EQ(late.lateness, absl::Seconds(61));
  EXPECT_THAT(late.reason,
              HasSubstr("1 minute 1 second late; the item closed at "
                        "2024-03-18 10:31 EDT; late submissions are refused"));
}

TEST(Course, PercentPerPeriodChargesEveryStartedPeriod) {
  auto course = MinimalWithItemFields(
      "late { percent_per_period { percent: 10 period { seconds: 86400 } } }");
  ASSERT_NE(course, nullptr);
  struct Case {
    absl::Duration late;
    double penalty;
  };
  for (const Case& c : {Case{absl::Seconds(1), 10}, Case{absl::Hours(24), 10},
                        Case{absl::Hours(24) + absl::Seconds(1), 20},
                        Case{absl::Hours(24 * 9), 90}}) {
    const Verdict v =
        MustEvaluate(*course, "bob", "slides/2024-03-19", kSlidesDue + c.late);
    EXPECT_EQ(v.kind, VERDICT_KIND_LATE_COUNTED) << c.late;
    EXPECT_DOUBLE_EQ(v.penalty_percent, c.penalty) << c.late;
  }
  const Verdict v = MustEvaluate(*course, "bob", "slides/2024-03-19",
                                 kSlidesDue + absl::Hours(2));
  EXPECT_THAT(v.reason, HasSubstr("2 hours late; late submissions lose 10% "
                                  "per started 24 h: 10% deducted"));
}

TEST(Course, PercentPerPeriodStopsCountingAtTheCap) {
  auto course = MinimalWithItemFields(
      "late { percent_per_period { percent: 40 period { seconds: 3600 } } }");
  ASSERT_NE(course, nullptr);
  const Verdict v = MustEvaluate(*course, "bob", "slides/2024-03-19",
                                 kSlidesDue + absl::Minutes(121));
  EXPECT_EQ(v.kind, VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_DOUBLE_EQ(v.penalty_percent, 0);
  EXPECT_THAT(v.reason, HasSubstr("100% deducted, not counted"));
}

TEST(Course, GraceKeepsASubmissionOnTimeAndSaysSo) {
  auto course = MinimalWithItemFields("grace { seconds: 300 }");
  ASSERT_NE(course, nullptr);
  const Verdict in_grace = MustEvaluate(*course, "ann", "slides/2024-03-19",
                                        kSlidesDue + absl::Minutes(5));
  EXPECT_EQ(in_grace.kind, VERDICT_KIND_ON_TIME);
  EXPECT_EQ(in_grace.lateness, absl::ZeroDuration());
  EXPECT_THAT(in_grace.reason,
              HasSubstr("5 minutes after the due time, within the grace of 5 "
                        "minutes: on time"));
  const Verdict past =
      MustEvaluate(*course, "ann", "slides/2024-03-19",
                   kSlidesDue + absl::Minutes(5) + absl::Seconds(1));
  EXPECT_EQ(past.kind, VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(past.lateness, absl::Minutes(5) + absl::Seconds(1))
      << "lateness counts from the due instant, not the end of the grace";
}

TEST(Course, SessionOffsetsAreElapsedHoursAcrossTheSpringForwardChange) {
  // A session on Sunday 2024-03-10 at 10:30 EDT (14:30 UTC); clocks went
  // forward at 02:00 that morning. 24 elapsed hours earlier is 14:30 UTC on
  // Mar 9, which Detroit's wall clock called 09:30 EST.
  auto course = LoadCourseFromString(
      absl::StrReplaceAll(kMinimalPolicy, {{"2024-03-19", "2024-03-10"}}),
      "test.textproto");
  ASSERT_TRUE(course.ok()) << course.status();
  const ConcreteItem* slides = (*course)->FindItem("slides/2024-03-10");
  ASSERT_NE(slides, nullptr);
  EXPECT_EQ(slides->due_at, Utc(2024, 3, 9, 14, 30));
  EXPECT_EQ(slides->due_text,
            "due 2024-03-09 09:30 EST (24 h before the Mar 10 session starts)");
}

TEST(Course, UnknownItemIsNotFoundWithAHint) {
  auto course = MinimalWithItemFields("");
  ASSERT_NE(course, nullptr);
  auto verdict =
      course->Evaluate("ann", "slides/2024-03-20", kSlidesDue, std::nullopt);
  EXPECT_EQ(verdict.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(verdict.status().message(),
              HasSubstr("course c1 has no item \"slides/2024-03-20\""));
}

TEST(Course, CompletionBeforeStartIsInvalid) {
  auto course = MinimalWithItemFields("");
  ASSERT_NE(course, nullptr);
  auto verdict = course->Evaluate("ann", "slides/2024-03-19", kSlidesDue,
                                  kSlidesDue - absl::Seconds(1));
  EXPECT_EQ(verdict.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Course, TitlesFillInTheSessionTopicAndDate) {
  auto course = LoadCourseFromString(
      absl::StrReplaceAll(
          kMinimalPolicy,
          {{"  per_session {}\n",
            "  per_session {}\n  title: \"Slides for {date}: {topic}\"\n"},
           {"sessions { date", "sessions { topic: \"FlashAttention\" date"}}),
      "test.textproto");
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_EQ((*course)->items()[0].title, "Slides for Mar 19: FlashAttention");
}

TEST(Course, EachProjectGroupAudienceCoversOnlyProjectMembers) {
  auto course = LoadCourseFromString(
      absl::StrCat(kMinimalPolicy,
                   "groups { group_id: \"p1\" kind: GROUP_KIND_PROJECT "
                   "member_ids: [\"ann\", \"cat\"] }\n"
                   "items { item_id: \"report\" audience: "
                   "AUDIENCE_EACH_PROJECT_GROUP due_at { local_time: "
                   "\"2024-05-01 18:00\" } }\n"),
      "test.textproto");
  ASSERT_TRUE(course.ok()) << course.status();
  const ConcreteItem* report = (*course)->FindItem("report");
  ASSERT_NE(report, nullptr);
  EXPECT_TRUE((*course)->Owes("cat", *report));
  EXPECT_FALSE((*course)->Owes("bob", *report));
  auto listed = (*course)->ListItems("cat");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u) << "cat presents nothing";
  EXPECT_EQ((*listed)[0]->id, "report");
}

TEST(Course, AProjectItemWithNoProjectGroupsWarnsThatNobodyOwesIt) {
  auto course = LoadCourseFromString(
      absl::StrCat(kMinimalPolicy,
                   "items { item_id: \"report\" audience: "
                   "AUDIENCE_EACH_PROJECT_GROUP due_at { local_time: "
                   "\"2024-05-01 18:00\" } }\n"),
      "test.textproto");
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_THAT((*course)->warnings(),
              ElementsAre(HasSubstr("item \"report\" is owed by nobody")));
}

}  // namespace
}  // namespace handin::deadline
