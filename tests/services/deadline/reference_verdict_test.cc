// Verdicts for the reference course (EECS 598, W'24) loaded from its real
// config file. Expected instants are computed by hand in UTC: Detroit is
// UTC-5 (EST) until 2024-03-10 02:00 and UTC-4 (EDT) after.

#include <optional>
#include <string>
#include <vector>

#include "common/proto_time.h"
#include "common/tls.h"
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
using ::handin::deadline::testing::LoadReferenceCourse;
using ::handin::deadline::testing::ReferencePolicyPath;
using ::handin::deadline::testing::Utc;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class ReferenceCourse : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { course_ = LoadReferenceCourse().release(); }
  static void TearDownTestSuite() {
    delete course_;
    course_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(course_, nullptr); }

  static Verdict Judge(absl::string_view principal, absl::string_view item,
                       absl::Time started,
                       std::optional<absl::Time> completed = std::nullopt) {
    auto verdict = course_->Evaluate(principal, item, started, completed);
    EXPECT_TRUE(verdict.ok()) << verdict.status();
    return verdict.ok() ? *verdict : Verdict{};
  }

  static std::vector<std::string> ItemIdsOf(absl::string_view principal) {
    std::vector<std::string> ids;
    auto items = course_->ListItems(principal);
    EXPECT_TRUE(items.ok()) << items.status();
    if (items.ok()) {
      for (const ConcreteItem* item : *items) ids.push_back(item->id);
    }
    return ids;
  }

  static const Course* course_;
};

const Course* ReferenceCourse::course_ = nullptr;

// One item of each kind, an owner, its due instant in UTC worked out by
// hand, and what its late rule makes of a submission one second late.
struct DueCase {
  const char* item;
  const char* owner;
  absl::Time due;
  VerdictKind one_second_late;
};

TEST_F(ReferenceCourse,
       EachItemKindIsOnTimeUpToItsDueInstantAndJudgedByItsLateRuleAfter) {
  const DueCase cases[] = {
      // Slides: 24 h before the session starts; late accepted, flagged.
      {"slides/2024-01-25", "ari", Utc(2024, 1, 24, 15, 30),
       VERDICT_KIND_LATE_COUNTED},
      {"slides/2024-03-19", "jiaheng", Utc(2024, 3, 18, 14, 30),
       VERDICT_KIND_LATE_COUNTED},
      // The Jan 18 Diffusion deck, Yuxuan's alone.
      {"slides/2024-01-18", "yuxuan", Utc(2024, 1, 17, 15, 30),
       VERDICT_KIND_LATE_COUNTED},
      // Summary: 24 h after the session ends; late not counted.
      {"summary/2024-03-19", "leah", Utc(2024, 3, 20, 16, 0),
       VERDICT_KIND_LATE_NOT_COUNTED},
      {"summary/2024-04-11", "luke", Utc(2024, 4, 12, 16, 0),
       VERDICT_KIND_LATE_NOT_COUNTED},
      {"summary/2024-04-04", "yayuan", Utc(2024, 4, 5, 16, 0),
       VERDICT_KIND_LATE_NOT_COUNTED},
      // Question: when the session starts; late not counted.
      {"question/2024-01-18", "vishwa", Utc(2024, 1, 18, 15, 30),
       VERDICT_KIND_LATE_NOT_COUNTED},
      {"question/2024-03-19", "ari", Utc(2024, 3, 19, 14, 30),
       VERDICT_KIND_LATE_NOT_COUNTED},
      // Project milestones; end of day 23:59:59 local where no time given.
      {"project-group", "zin", Utc(2024, 1, 24, 4, 59, 59),
       VERDICT_KIND_LATE_COUNTED},
      {"project-proposal", "zin", Utc(2024, 2, 10, 4, 59, 59),
       VERDICT_KIND_LATE_COUNTED},
      {"project-midterm-presentation", "zin", Utc(2024, 3, 12, 14, 30),
       VERDICT_KIND_LATE_COUNTED},
      {"project-final-presentation", "zin", Utc(2024, 4, 18, 14, 30),
       VERDICT_KIND_LATE_COUNTED},
      // "6:00PM EST on May 1" read as Detroit wall-clock time: 18:00 EDT.
      {"project-report", "zin", Utc(2024, 5, 1, 22, 0),
       VERDICT_KIND_LATE_COUNTED},
      {"project-code", "zin", Utc(2024, 5, 1, 22, 0),
       VERDICT_KIND_LATE_COUNTED},
  };
  for (const DueCase& c : cases) {
    SCOPED_TRACE(c.item);
    const ConcreteItem* item = course_->FindItem(c.item);
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(item->due_at, c.due) << FormatUtc(item->due_at);

    const Verdict before = Judge(c.owner, c.item, c.due - absl::Seconds(1));
    EXPECT_EQ(before.kind, VERDICT_KIND_ON_TIME) << before.reason;
    const Verdict at = Judge(c.owner, c.item, c.due);
    EXPECT_EQ(at.kind, VERDICT_KIND_ON_TIME) << at.reason;
    EXPECT_EQ(at.due_at, c.due);
    const Verdict after = Judge(c.owner, c.item, c.due + absl::Seconds(1));
    EXPECT_EQ(after.kind, c.one_second_late) << after.reason;
    EXPECT_EQ(after.lateness, absl::Seconds(1));
    EXPECT_THAT(after.reason, HasSubstr(": 1 second late; "));
  }
}

TEST_F(ReferenceCourse, ALateDeckIsFlaggedWithTheWholeStorySpelledOut) {
  const Verdict v =
      Judge("jiaheng", "slides/2024-03-19", Utc(2024, 3, 18, 14, 41));
  EXPECT_EQ(v.kind, VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(v.lateness, absl::Minutes(11));
  EXPECT_EQ(v.penalty_percent, 0);
  EXPECT_EQ(v.reason,
            "due 2024-03-18 10:30 EDT (24 h before the Mar 19 session "
            "starts); started 2024-03-18 10:41 EDT: 11 minutes late; late "
            "submissions are accepted and flagged");
}

TEST_F(ReferenceCourse, ALateSummaryIsNotCounted) {
  const Verdict v =
      Judge("leah", "summary/2024-03-19", Utc(2024, 3, 20, 18, 0));
  EXPECT_EQ(v.kind, VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(v.reason,
            "due 2024-03-20 12:00 EDT (24 h after the Mar 19 session ends); "
            "started 2024-03-20 14:00 EDT: 2 hours late; late submissions are "
            "not counted");
}

TEST_F(ReferenceCourse,
       DueInstantsFollowDetroitAcrossTheMarch10DaylightSavingChange) {
  // Thursday Mar 7 (EST, UTC-5) and Tuesday Mar 19 (EDT, UTC-4) both meet
  // at 10:30 local time, which is an hour apart in UTC.
  EXPECT_EQ(course_->FindItem("question/2024-03-07")->due_at,
            Utc(2024, 3, 7, 15, 30));
  EXPECT_EQ(course_->FindItem("question/2024-03-19")->due_at,
            Utc(2024, 3, 19, 14, 30));
  EXPECT_EQ(course_->FindItem("slides/2024-03-07")->due_at,
            Utc(2024, 3, 6, 15, 30));
  EXPECT_EQ(course_->FindItem("summary/2024-03-07")->due_at,
            Utc(2024, 3, 8, 17, 0));
  EXPECT_EQ(course_->FindItem("slides/2024-03-12"), nullptr)
      << "mid-semester presentations have no student-group presenter";
  EXPECT_EQ(course_->FindItem("project-midterm-presentation")->due_at,
            Utc(2024, 3, 12, 14, 30));
  EXPECT_THAT(course_->FindItem("slides/2024-03-07")->due_text,
              HasSubstr("due 2024-03-06 10:30 EST"));
  EXPECT_THAT(course_->FindItem("question/2024-03-19")->due_text,
              HasSubstr("due 2024-03-19 10:30 EDT"));
}

TEST_F(ReferenceCourse,
       AnUploadFinishedWithinTheCompletionWindowCountsFromItsStart) {
  const absl::Time due = Utc(2024, 5, 1, 22, 0);
  struct Case {
    absl::Time started;
    std::optional<absl::Time> completed;
    VerdictKind kind;
    absl::Duration lateness;
  };
  const Case cases[] = {
      // Pre-check before any bytes: the start alone is judged.
      {due, std::nullopt, VERDICT_KIND_ON_TIME, absl::ZeroDuration()},
      // 25 minutes, within the 30-minute window: the start counts.
      {due - absl::Minutes(10), due + absl::Minutes(15), VERDICT_KIND_ON_TIME,
       absl::ZeroDuration()},
      // Exactly the window: the start still counts.
      {due - absl::Minutes(10), due + absl::Minutes(20), VERDICT_KIND_ON_TIME,
       absl::ZeroDuration()},
      // A second over the window: the completion counts, and it is late.
      {due - absl::Minutes(10), due + absl::Minutes(20) + absl::Seconds(1),
       VERDICT_KIND_LATE_COUNTED, absl::Minutes(20) + absl::Seconds(1)},
      // Over the window but finished before the deadline: on time.
      {due - absl::Minutes(40), due - absl::Minutes(5), VERDICT_KIND_ON_TIME,
       absl::ZeroDuration()},
  };
  for (const Case& c : cases) {
    const Verdict v = Judge("ari", "project-report", c.started, c.completed);
    EXPECT_EQ(v.kind, c.kind) << v.reason;
    EXPECT_EQ(v.lateness, c.lateness) << v.reason;
  }
  const Verdict slow = Judge("ari", "project-report", due - absl::Minutes(10),
                             due + absl::Minutes(20) + absl::Seconds(1));
  EXPECT_EQ(slow.counted_at, due + absl::Minutes(20) + absl::Seconds(1));
  EXPECT_THAT(slow.reason,
              HasSubstr("started 2024-05-01 17:50 EDT but completed "
                        "2024-05-01 18:20:01 EDT, past the completion "
                        "window of 30 minutes, so the completion counts: 20 "
                        "minutes 1 second late"));
}

TEST_F(ReferenceCourse, AStudentWhoDoesNotOweAnItemIsRefusedWithTheReason) {
  const absl::Time early = Utc(2024, 3, 1, 12, 0);
  const Verdict not_presenter = Judge("ari", "slides/2024-03-19", early);
  EXPECT_EQ(not_presenter.kind, VERDICT_KIND_REFUSED);
  EXPECT_EQ(not_presenter.reason,
            "slides/2024-03-19 is owed by the presenters of the Mar 19 "
            "session (Jiaheng, Jeremy, Zhenning); ari is not one of them");

  const Verdict presenter_not_summary =
      Judge("jiaheng", "summary/2024-03-19", early);
  EXPECT_EQ(presenter_not_summary.kind, VERDICT_KIND_REFUSED);
  EXPECT_THAT(presenter_not_summary.reason,
              HasSubstr("the summary group of the Mar 19 session (Leah, Zin, "
                        "Rabia)"));
}

TEST_F(ReferenceCourse, StaffAndStrangersAreRefused) {
  const absl::Time early = Utc(2024, 1, 1, 12, 0);
  const Verdict staff = Judge("amberljc", "slides/2024-01-18", early);
  EXPECT_EQ(staff.kind, VERDICT_KIND_REFUSED);
  EXPECT_EQ(staff.reason,
            "amberljc is course staff (grader) and owes no items; only "
            "students submit");
  const Verdict stranger = Judge("eve", "project-report", early);
  EXPECT_EQ(stranger.kind, VERDICT_KIND_REFUSED);
  EXPECT_EQ(stranger.reason,
            "eve is not on the roster of eecs598-w24, so may not submit "
            "project-report");
}

TEST_F(ReferenceCourse, SessionsWithoutAStudentDeliverableHaveNoSuchItem) {
  for (const char* id :
       {"slides/2024-01-11", "question/2024-01-11",   // Mosharaf
        "slides/2024-01-16", "summary/2024-01-16",    // Jiachen; summary "-"
        "slides/2024-02-06", "question/2024-02-06",   // guest Insu Jang
        "summary/2024-02-13",                         // summary "-"
        "slides/2024-04-02", "question/2024-04-02",   // guest Jae-Won Chung
        "slides/2024-04-04", "question/2024-04-04",   // no presenter listed
        "slides/2024-04-16", "question/2024-03-12",   // wrap up; midterms
        "question/2024-01-30", "summary/2024-02-22",  // no lecture; buffer
        "slides/2024-04-18"}) {
    EXPECT_EQ(course_->FindItem(id), nullptr) << id;
    auto verdict =
        course_->Evaluate("ari", id, Utc(2024, 1, 1, 0, 0), std::nullopt);
    EXPECT_EQ(verdict.status().code(), absl::StatusCode::kNotFound) << id;
  }
  EXPECT_NE(course_->FindItem("summary/2024-04-04"), nullptr)
      << "Apr 4 lists no presenter but does list a summary group";
}

TEST_F(ReferenceCourse, ExpandsFourteenItemsOfEachPerSessionKind) {
  int slides = 0, summaries = 0, questions = 0, standalone = 0;
  for (const ConcreteItem& item : course_->items()) {
    if (item.template_id == "slides") ++slides;
    if (item.template_id == "summary") ++summaries;
    if (item.template_id == "question") ++questions;
    if (item.session_id.empty()) ++standalone;
  }
  EXPECT_EQ(slides, 14);
  EXPECT_EQ(summaries, 14);
  EXPECT_EQ(questions, 14);
  EXPECT_EQ(standalone, 6);
}

TEST_F(ReferenceCourse, AStudentInSeveralGroupsOwesEachGroupsItems) {
  const std::vector<std::string> daniel = ItemIdsOf("daniel");
  for (const char* id :
       {"slides/2024-02-15", "slides/2024-02-20", "summary/2024-01-23",
        "summary/2024-02-01", "question/2024-03-19", "project-report"}) {
    EXPECT_THAT(daniel, Contains(id));
  }
  EXPECT_THAT(daniel, Not(Contains("slides/2024-03-19")));
}

TEST_F(ReferenceCourse, ListItemsIsSortedByDueInstant) {
  auto items = course_->ListItems("yuxuan");
  ASSERT_TRUE(items.ok()) << items.status();
  // 2 decks, 2 summaries, 14 questions, 6 project items.
  EXPECT_EQ(items->size(), 24u);
  for (size_t i = 1; i < items->size(); ++i) {
    EXPECT_LE((*items)[i - 1]->due_at, (*items)[i]->due_at);
  }
  EXPECT_EQ(items->front()->id, "slides/2024-01-18");
  // project-code and project-report share a due instant; ids break ties.
  EXPECT_EQ(items->back()->id, "project-report");
  EXPECT_EQ(course_->ListItems("")->size(), course_->items().size());
}

TEST_F(ReferenceCourse, ListItemsGivesStaffNothingAndStrangersNotFound) {
  EXPECT_THAT(ItemIdsOf("mosharaf"), IsEmpty());
  EXPECT_EQ(course_->ListItems("eve").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ReferenceCourseWithGrace, GraceAppliesToEveryItemThatInheritsIt) {
  // The real policy with a 5-minute default grace added.
  auto text = ReadFileToString(ReferencePolicyPath());
  ASSERT_TRUE(text.ok()) << text.status();
  auto policy = ParseCoursePolicy(*text, "eecs598-w24.textproto");
  ASSERT_TRUE(policy.ok()) << policy.status();
  policy->mutable_item_defaults()->mutable_grace()->set_seconds(300);
  auto course = Course::Create(*std::move(policy));
  ASSERT_TRUE(course.ok()) << course.status();

  const absl::Time due = Utc(2024, 3, 20, 16, 0);  // summary/2024-03-19
  struct Case {
    absl::Duration after_due;
    VerdictKind kind;
  };
  for (const Case& c :
       {Case{absl::Minutes(5) - absl::Seconds(1), VERDICT_KIND_ON_TIME},
        Case{absl::Minutes(5), VERDICT_KIND_ON_TIME},
        Case{absl::Minutes(5) + absl::Seconds(1),
             VERDICT_KIND_LATE_NOT_COUNTED}}) {
    auto v = (*course)->Evaluate("zin", "summary/2024-03-19", due + c.after_due,
                                 std::nullopt);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->kind, c.kind) << v->reason;
  }
  auto report = (*course)->Evaluate("zin", "project-report",
                                    Utc(2024, 5, 1, 22, 3), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->kind, VERDICT_KIND_ON_TIME);
  EXPECT_THAT(report->reason, HasSubstr("within the grace of 5 minutes"));
}

}  // namespace
}  // namespace handin::deadline
