// What a principal owes, seen from an instant: ListDeadlines and
// BuildCalendar on the reference course and on a small policy with a grace
// and a percent-per-day rule.

#include "services/deadline/deadlines.h"

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/policy_loader.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::deadline::testing::kMinimalPolicy;
using ::handin::deadline::testing::LoadReferenceCourse;
using ::handin::deadline::testing::Utc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// 2024-03-18 10:00 EDT: half an hour before the Mar 19 slides are due.
const absl::Time kNow = Utc(2024, 3, 18, 14, 0);

// kMinimalPolicy plus an essay every student owes, due 2024-03-09 12:00
// EST (17:00 UTC) with 10 minutes' grace, losing 10% per started 24 h.
std::unique_ptr<Course> EssayCourse() {
  const std::string policy = absl::StrCat(kMinimalPolicy, R"policy(
items {
  item_id: "essay"
  title: "Essay"
  audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: "2024-03-09 12:00" }
  grace { seconds: 600 }
  late { percent_per_period { percent: 10 period { seconds: 86400 } } }
}
)policy");
  auto course = LoadCourseFromString(policy, "essay.textproto");
  EXPECT_TRUE(course.ok()) << course.status();
  return course.ok() ? *std::move(course) : nullptr;
}

std::vector<std::string> Ids(const std::vector<OwedItem>& owed) {
  std::vector<std::string> ids;
  for (const OwedItem& o : owed) ids.push_back(o.item->id);
  return ids;
}

const OwedItem* Find(const std::vector<OwedItem>& owed, absl::string_view id) {
  for (const OwedItem& o : owed) {
    if (o.item->id == id) return &o;
  }
  return nullptr;
}

TEST(ListDeadlines, ListsEveryOwedItemInDueOrderWithTimeLeftAndVerdictNow) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  auto owed = ListDeadlines(*course, "jiaheng", kNow);
  ASSERT_TRUE(owed.ok()) << owed.status();
  auto items = course->ListItems("jiaheng");
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(owed->size(), items->size());
  for (size_t i = 0; i < owed->size(); ++i) {
    const OwedItem& o = (*owed)[i];
    EXPECT_EQ(o.item, (*items)[i]);
    EXPECT_EQ(o.time_left, o.item->due_at - kNow) << o.item->id;
    if (i > 0) {
      const ConcreteItem& prev = *(*owed)[i - 1].item;
      EXPECT_LE(std::tie(prev.due_at, prev.id),
                std::tie(o.item->due_at, o.item->id));
    }
  }

  const OwedItem* slides = Find(*owed, "slides/2024-03-19");
  ASSERT_NE(slides, nullptr);
  EXPECT_EQ(slides->time_left, absl::Minutes(30));
  EXPECT_EQ(slides->verdict_now, VERDICT_KIND_ON_TIME);
  const OwedItem* group = Find(*owed, "project-group");
  ASSERT_NE(group, nullptr);
  EXPECT_LT(group->time_left, absl::ZeroDuration());
  EXPECT_EQ(group->verdict_now, VERDICT_KIND_LATE_COUNTED);
  const OwedItem* question = Find(*owed, "question/2024-03-07");
  ASSERT_NE(question, nullptr);
  EXPECT_EQ(question->verdict_now, VERDICT_KIND_LATE_NOT_COUNTED);
}

TEST(ListDeadlines, TheWindowIncludesItsStartAndExcludesItsEnd) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  // The Mar 19 slides are due at 14:30 UTC on Mar 18, its question at 14:30
  // UTC on Mar 19.
  auto owed =
      ListDeadlines(*course, "jiaheng", kNow,
                    {Utc(2024, 3, 18, 14, 30), Utc(2024, 3, 19, 14, 30)});
  ASSERT_TRUE(owed.ok()) << owed.status();
  EXPECT_THAT(Ids(*owed), ElementsAre("slides/2024-03-19"));

  auto upcoming = ListDeadlines(*course, "jiaheng", kNow, {kNow, std::nullopt});
  ASSERT_TRUE(upcoming.ok()) << upcoming.status();
  ASSERT_FALSE(upcoming->empty());
  EXPECT_EQ(upcoming->front().item->id, "slides/2024-03-19");
  EXPECT_EQ(upcoming->back().item->id, "project-report");
  for (const OwedItem& o : *upcoming)
    EXPECT_GE(o.time_left, absl::ZeroDuration());

  auto empty = ListDeadlines(*course, "jiaheng", kNow, {kNow, kNow});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_THAT(*empty, IsEmpty());
}

TEST(ListDeadlines, AWindowEndingBeforeItStartsIsInvalid) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  auto owed =
      ListDeadlines(*course, "jiaheng", kNow, {kNow, kNow - absl::Seconds(1)});
  EXPECT_EQ(owed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(owed.status().message(), HasSubstr("before it starts"));
}

TEST(ListDeadlines, StaffOweNothingAndStrangersAreNotFound) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  auto staff = ListDeadlines(*course, "mosharaf", kNow);
  ASSERT_TRUE(staff.ok()) << staff.status();
  EXPECT_THAT(*staff, IsEmpty());
  EXPECT_EQ(ListDeadlines(*course, "eve", kNow).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ListDeadlines(*course, "", kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ListDeadlines, VerdictNowHonoursTheGraceAndThePenalty) {
  std::unique_ptr<Course> course = EssayCourse();
  ASSERT_NE(course, nullptr);
  const absl::Time due = Utc(2024, 3, 9, 17, 0);
  auto in_grace = ListDeadlines(*course, "cat", due + absl::Minutes(10));
  ASSERT_TRUE(in_grace.ok()) << in_grace.status();
  ASSERT_THAT(Ids(*in_grace), ElementsAre("essay"));
  EXPECT_EQ(in_grace->front().time_left, -absl::Minutes(10));
  EXPECT_EQ(in_grace->front().verdict_now, VERDICT_KIND_ON_TIME);

  auto late = ListDeadlines(*course, "cat", due + absl::Hours(30));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->front().verdict_now, VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(late->front().penalty_percent_now, 20);
}

TEST(BuildCalendar, HasOneEventPerOwedItemFromDueToTheEndOfGrace) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  auto calendar = BuildCalendar(*course, "jiaheng", kNow);
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  auto items = course->ListItems("jiaheng");
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(calendar->events.size(), items->size());
  EXPECT_EQ(calendar->stamp, kNow);
  EXPECT_EQ(calendar->name,
            "EECS 598: Systems for Generative AI (W'24): deadlines of jiaheng");
  for (size_t i = 0; i < items->size(); ++i) {
    const ConcreteItem& item = *(*items)[i];
    const CalendarEvent& event = calendar->events[i];
    EXPECT_EQ(event.uid, absl::StrCat(item.id, "+eecs598-w24+jiaheng@handin"));
    EXPECT_EQ(event.start, item.due_at);
    EXPECT_EQ(event.end, item.due_at + absl::Minutes(1)) << "no grace";
    EXPECT_EQ(event.summary, item.title);
    EXPECT_THAT(event.description, StartsWith(item.rule_text + "\nDue "));
  }
  const CalendarEvent& first = calendar->events[0];
  EXPECT_EQ(first.description,
            "due when the Jan 18 session starts; late submissions are not "
            "counted\nDue 2024-01-18 10:30 EST; submit it as item "
            "question/2024-01-18 of eecs598-w24.")
      << "the first item jiaheng owes";

  std::unique_ptr<Course> essay = EssayCourse();
  ASSERT_NE(essay, nullptr);
  auto with_grace = BuildCalendar(*essay, "cat", kNow);
  ASSERT_TRUE(with_grace.ok()) << with_grace.status();
  ASSERT_EQ(with_grace->events.size(), 1u);
  EXPECT_EQ(with_grace->events[0].end - with_grace->events[0].start,
            absl::Minutes(10));
}

TEST(BuildCalendar, AnExtensionMovesTheEventAndSaysSo) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  const std::string item = "question/2024-01-18";  // Due Jan 18 10:30 EST.
  const std::vector<Extension> extensions = {
      {item, "jiaheng", Utc(2024, 1, 20, 15, 30), "mosharaf", "illness"},
      // Another student's: ignored.
      {"question/2024-01-23", "ohjun", Utc(2024, 2, 1, 0, 0), "mosharaf", "x"},
      // A stale one, before the item's own due: never shortens.
      {"question/2024-01-25", "jiaheng", Utc(2024, 1, 1, 0, 0), "mosharaf",
       "stale"}};
  auto plain = BuildCalendar(*course, "jiaheng", kNow);
  auto extended = BuildCalendar(*course, "jiaheng", kNow, extensions);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_TRUE(extended.ok()) << extended.status();
  ASSERT_EQ(extended->events.size(), plain->events.size());
  int moved = 0;
  int stale = 0;
  for (size_t i = 0; i < plain->events.size(); ++i) {
    const CalendarEvent& before = plain->events[i];
    const CalendarEvent& after = extended->events[i];
    EXPECT_EQ(after.uid, before.uid);
    if (after.uid == "question/2024-01-25+eecs598-w24+jiaheng@handin") {
      EXPECT_EQ(after.start, before.start);
      EXPECT_THAT(after.description,
                  StartsWith("extended to 2024-01-25 10:30 EST by mosharaf: "
                             "stale;"));
      ++stale;
      continue;
    }
    if (after.uid != absl::StrCat(item, "+eecs598-w24+jiaheng@handin")) {
      EXPECT_EQ(after.start, before.start) << after.uid;
      EXPECT_EQ(after.description, before.description) << after.uid;
      continue;
    }
    ++moved;
    EXPECT_EQ(after.start, Utc(2024, 1, 20, 15, 30));
    EXPECT_EQ(after.end, Utc(2024, 1, 20, 15, 31));
    EXPECT_EQ(after.description,
              "extended to 2024-01-20 10:30 EST by mosharaf: illness; late "
              "submissions are not counted\nDue 2024-01-20 10:30 EST; submit "
              "it as item question/2024-01-18 of eecs598-w24.");
  }
  EXPECT_EQ(moved, 1);
  EXPECT_EQ(stale, 1);
}

TEST(BuildCalendar, StaffHaveNoCalendarAndStrangersAreNotFound) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  auto staff = BuildCalendar(*course, "mosharaf", kNow);
  EXPECT_EQ(staff.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(staff.status().message(), HasSubstr("mosharaf owes no items"));
  EXPECT_EQ(BuildCalendar(*course, "eve", kNow).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(BuildCalendar(*course, "", kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CalendarNames, UidAndFileNameNameTheCourseAndPrincipal) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  const ConcreteItem* item = course->FindItem("slides/2024-03-19");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(CalendarUid(*course, *item, "jiaheng"),
            "slides/2024-03-19+eecs598-w24+jiaheng@handin");
  EXPECT_EQ(CalendarFileName(*course, "jiaheng"), "eecs598-w24-jiaheng.ics");
}

}  // namespace
}  // namespace handin::deadline
