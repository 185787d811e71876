// The gradebook arithmetic on a small course: weighted totals, group scores
// applied to members, late summaries that are not counted, flagged late
// decks that are, penalties, missing work, absences beyond the allowance
// and the best-group bonus.
#include "services/grading/gradebook.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace handin::grading {
namespace {

using ::handin::common::v1::Score;
using ::handin::common::v1::SubmissionRecord;
using ::handin::common::v1::VerdictKind;
using ::handin::deadline::v1::ItemSummary;
using ::handin::grading::v1::ComponentGrade;
using ::handin::grading::v1::ItemGrade;
using ::handin::grading::v1::StudentGrades;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ann and bob present s1 and summarise s2; cat and dan the other way round.
// Both sessions are past; the report is due later.
constexpr char kPolicy[] = R"pb(
  course_id: "c"
  roster {
    students { user_id: "ann" display_name: "Ann" }
    students { user_id: "bob" display_name: "Bob" }
    students { user_id: "cat" display_name: "Cat" }
    students { user_id: "dan" display_name: "Dan" }
  }
  groups {
    group_id: "ann-bob"
    kind: GROUP_KIND_PRESENTATION
    member_ids: [ "ann", "bob" ]
  }
  groups {
    group_id: "cat-dan"
    kind: GROUP_KIND_PRESENTATION
    member_ids: [ "cat", "dan" ]
  }
  groups {
    group_id: "bob-cat"
    kind: GROUP_KIND_PRESENTATION
    member_ids: [ "bob", "cat" ]
  }
  sessions {
    date: "s1"
    presenters { group_id: "ann-bob" }
    summary_group_id: "cat-dan"
  }
  sessions {
    date: "s2"
    presenters { group_id: "cat-dan" }
    summary_group_id: "ann-bob"
  }
  items {
    item_id: "slides"
    audience: AUDIENCE_SESSION_PRESENTERS
    per_session {}
  }
  items {
    item_id: "summary"
    audience: AUDIENCE_SESSION_SUMMARY_GROUP
    per_session {}
  }
  items {
    item_id: "question"
    audience: AUDIENCE_EVERY_STUDENT
    per_session {}
  }
  items { item_id: "report" audience: AUDIENCE_EVERY_STUDENT }
  items { item_id: "group-form" audience: AUDIENCE_EVERY_STUDENT }
  grading {
    component_id: "presentation"
    title: "Presentation"
    weight_percent: 15
    item_ids: "slides"
  }
  grading {
    component_id: "summary"
    title: "Summary"
    weight_percent: 15
    item_ids: "summary"
  }
  grading {
    component_id: "participation"
    title: "Participation"
    weight_percent: 10
    item_ids: "question"
  }
  grading {
    component_id: "report"
    title: "Report"
    weight_percent: 40
    item_ids: "report"
  }
  grading { component_id: "talks" title: "Talks" weight_percent: 20 }
  participation { allowed_absences: 2 best_group_bonus_points: 1 }
)pb";

const absl::Time kNow = absl::FromUnixSeconds(1'711'000'000);

ItemSummary Item(const std::string& template_id, const std::string& session,
                 absl::Time due) {
  ItemSummary item;
  item.set_template_id(template_id);
  item.set_session_id(session);
  item.set_item_id(session.empty() ? template_id : template_id + "/" + session);
  item.set_title(item.item_id());
  *item.mutable_due_at() = ToProtoTimestamp(due);
  return item;
}

class GradebookTest : public ::testing::Test {
 protected:
  GradebookTest() {
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(kPolicy, &input_.policy));
    input_.now = kNow;
    const ItemSummary slides1 = Item("slides", "s1", kNow - absl::Hours(72));
    const ItemSummary slides2 = Item("slides", "s2", kNow - absl::Hours(48));
    const ItemSummary summary1 = Item("summary", "s1", kNow - absl::Hours(40));
    const ItemSummary summary2 = Item("summary", "s2", kNow - absl::Hours(20));
    const ItemSummary question1 =
        Item("question", "s1", kNow - absl::Hours(72));
    const ItemSummary report = Item("report", "", kNow + absl::Hours(24));
    const ItemSummary form = Item("group-form", "", kNow - absl::Hours(100));
    input_.items = {form,    slides1,  question1, summary1,
                    slides2, summary2, report};
    input_.owed["ann"] = {form, slides1, question1, summary2, report};
    input_.owed["bob"] = {form, slides1, question1, summary2, report};
    input_.owed["cat"] = {form, question1, summary1, slides2, report};
    input_.owed["dan"] = {form, question1, summary1, slides2, report};
  }

  // Stores a submission of `item` by `student` with `kind`, counted for
  // `unit` when the kind counts.
  void Submit(const std::string& item, const std::string& student,
              VerdictKind kind, const std::string& unit,
              double penalty_percent = 0) {
    SubmissionRecord& record = input_.submissions.emplace_back();
    record.set_submission_id(
        absl::StrCat("2024031", input_.submissions.size()));
    record.set_item_id(item);
    record.set_principal(student);
    record.mutable_verdict()->set_kind(kind);
    record.mutable_verdict()->set_reason("the verdict's reason");
    record.mutable_verdict()->set_penalty_percent(penalty_percent);
    if (kind == common::v1::VERDICT_KIND_ON_TIME ||
        kind == common::v1::VERDICT_KIND_LATE_COUNTED) {
      input_.counted[item][unit] = record.submission_id();
    }
  }

  void Grade(const std::string& item, const std::string& principal,
             double points, double max_points) {
    Score& score = input_.scores.emplace_back();
    score.set_item_id(item);
    score.set_principal(principal);
    score.set_points(points);
    score.set_max_points(max_points);
    score.set_grader("gsi");
  }

  void Attend(const std::string& student, int present, int absent) {
    for (int i = 0; i < present + absent; ++i) {
      auto& record = input_.attendance.emplace_back();
      record.set_session_id(absl::StrCat("day-", i));
      record.set_student(student);
      record.set_present(i < present);
    }
  }

  StudentGrades Row(const std::string& student) {
    return GradeStudent(input_, student);
  }

  static const ComponentGrade& Component(const StudentGrades& row,
                                         const std::string& id) {
    for (const ComponentGrade& component : row.components()) {
      if (component.component_id() == id) return component;
    }
    ADD_FAILURE() << "no component " << id;
    return row.components(0);
  }

  static const ItemGrade& ItemOf(const StudentGrades& row,
                                 const std::string& item_id) {
    for (const ComponentGrade& component : row.components()) {
      for (const ItemGrade& item : component.items()) {
        if (item.item_id() == item_id) return item;
      }
    }
    ADD_FAILURE() << "no item " << item_id;
    return row.components(0).items(0);
  }

  GradebookInput input_;
};

TEST_F(GradebookTest, AGroupScoreAppliesToEveryMemberOfTheGroup) {
  Submit("slides/s1", "bob", common::v1::VERDICT_KIND_ON_TIME, "ann-bob");
  Grade("slides/s1", "ann-bob", 8, 10);
  for (const char* member : {"ann", "bob"}) {
    const StudentGrades row = Row(member);
    const ItemGrade& slides = ItemOf(row, "slides/s1");
    EXPECT_EQ(slides.standing(), v1::ITEM_STANDING_SCORED) << member;
    EXPECT_DOUBLE_EQ(slides.earned_fraction(), 0.8);
    EXPECT_EQ(slides.score().principal(), "ann-bob");
    EXPECT_THAT(slides.note(), HasSubstr("group score (ann-bob)"));
    EXPECT_DOUBLE_EQ(Component(Row(member), "presentation").points(), 12);
  }
  // cat is in another group with bob, but not in the presenting one.
  EXPECT_DOUBLE_EQ(Component(Row("cat"), "presentation").points(), 0);
}

TEST_F(GradebookTest, AStudentsOwnScoreOverridesTheGroupScore) {
  Submit("slides/s1", "bob", common::v1::VERDICT_KIND_ON_TIME, "ann-bob");
  Grade("slides/s1", "ann-bob", 8, 10);
  Grade("slides/s1", "bob", 5, 10);
  EXPECT_DOUBLE_EQ(ItemOf(Row("bob"), "slides/s1").earned_fraction(), 0.5);
  EXPECT_DOUBLE_EQ(ItemOf(Row("ann"), "slides/s1").earned_fraction(), 0.8);
}

TEST_F(GradebookTest, ALateSummaryIsNotCountedAndScoresZeroWhateverIsRecorded) {
  Submit("summary/s1", "cat", common::v1::VERDICT_KIND_LATE_NOT_COUNTED,
         "cat-dan");
  Grade("summary/s1", "cat-dan", 9, 10);
  for (const char* member : {"cat", "dan"}) {
    const StudentGrades row = Row(member);
    const ItemGrade& summary = ItemOf(row, "summary/s1");
    EXPECT_EQ(summary.standing(), v1::ITEM_STANDING_NOT_COUNTED) << member;
    EXPECT_TRUE(summary.counts());
    EXPECT_DOUBLE_EQ(summary.earned_fraction(), 0);
    EXPECT_THAT(summary.note(), HasSubstr("not counted"));
    EXPECT_THAT(summary.note(), HasSubstr("9/10 is not applied"));
    EXPECT_TRUE(Component(row, "summary").graded());
    EXPECT_DOUBLE_EQ(Component(row, "summary").points(), 0);
    EXPECT_THAT(row.missing_item_ids(), ::testing::Contains("summary/s1"));
  }
}

TEST_F(GradebookTest, ASummaryAnExtensionCoveredCounts) {
  // Judged against the extended due instant, it was on time.
  Submit("summary/s1", "dan", common::v1::VERDICT_KIND_ON_TIME, "cat-dan");
  Grade("summary/s1", "cat-dan", 9, 10);
  const StudentGrades row = Row("cat");
  const ItemGrade& summary = ItemOf(row, "summary/s1");
  EXPECT_EQ(summary.standing(), v1::ITEM_STANDING_SCORED);
  EXPECT_FALSE(summary.late());
  EXPECT_DOUBLE_EQ(Component(Row("cat"), "summary").points(), 13.5);
}

TEST_F(GradebookTest, AFlaggedLateDeckCountsInFullAndIsShownAsLate) {
  Submit("slides/s2", "cat", common::v1::VERDICT_KIND_LATE_COUNTED, "cat-dan");
  Grade("slides/s2", "cat-dan", 10, 10);
  const StudentGrades row = Row("dan");
  const ItemGrade& slides = ItemOf(row, "slides/s2");
  EXPECT_EQ(slides.standing(), v1::ITEM_STANDING_SCORED);
  EXPECT_TRUE(slides.late());
  EXPECT_DOUBLE_EQ(slides.earned_fraction(), 1);
  EXPECT_THAT(slides.note(), HasSubstr("late (flagged, counted)"));
}

TEST_F(GradebookTest, ALatePenaltyIsDeductedFromTheScore) {
  Submit("slides/s2", "cat", common::v1::VERDICT_KIND_LATE_COUNTED, "cat-dan",
         /*penalty_percent=*/20);
  Grade("slides/s2", "cat-dan", 8, 10);
  const StudentGrades row = Row("cat");
  const ItemGrade& slides = ItemOf(row, "slides/s2");
  EXPECT_DOUBLE_EQ(slides.earned_fraction(), 0.64);
  EXPECT_THAT(slides.note(), HasSubstr("20% deducted"));
}

TEST_F(GradebookTest, MissingWorkPastDueScoresZeroAndWorkNotDueIsLeftOut) {
  const StudentGrades row = Row("ann");
  EXPECT_EQ(ItemOf(row, "slides/s1").standing(), v1::ITEM_STANDING_MISSING);
  EXPECT_EQ(ItemOf(row, "report").standing(), v1::ITEM_STANDING_NOT_DUE);
  EXPECT_FALSE(ItemOf(row, "report").counts());
  EXPECT_FALSE(Component(row, "report").graded());
  EXPECT_TRUE(Component(row, "presentation").graded());
  // Owed but weighed by no component: listed as missing all the same.
  ASSERT_EQ(row.unweighted_items_size(), 1);
  EXPECT_EQ(row.unweighted_items(0).item_id(), "group-form");
  EXPECT_THAT(row.missing_item_ids(), ElementsAre("group-form", "question/s1",
                                                  "slides/s1", "summary/s2"));
  EXPECT_DOUBLE_EQ(row.total_points(), 0);
  // presentation, summary and participation have a counted part (zeros).
  EXPECT_DOUBLE_EQ(row.graded_weight_percent(), 40);
}

TEST_F(GradebookTest, ASubmissionNotYetGradedStaysOutOfTheTotal) {
  Submit("report", "ann", common::v1::VERDICT_KIND_ON_TIME, "ann");
  Submit("slides/s1", "ann", common::v1::VERDICT_KIND_ON_TIME, "ann-bob");
  Grade("slides/s1", "ann-bob", 10, 10);
  const StudentGrades row = Row("ann");
  EXPECT_EQ(ItemOf(row, "report").standing(), v1::ITEM_STANDING_UNGRADED);
  EXPECT_FALSE(Component(row, "report").graded());
  EXPECT_DOUBLE_EQ(Component(row, "presentation").points(), 15);
  EXPECT_THAT(row.missing_item_ids(),
              ::testing::Not(::testing::Contains("report")));
}

TEST_F(GradebookTest, TheWeightedTotalAddsEveryComponentsPoints) {
  Submit("slides/s1", "ann", common::v1::VERDICT_KIND_ON_TIME, "ann-bob");
  Grade("slides/s1", "ann-bob", 9, 10);  // 15 * 0.9 = 13.5
  Submit("summary/s2", "bob", common::v1::VERDICT_KIND_ON_TIME, "ann-bob");
  Grade("summary/s2", "ann-bob", 7, 10);  // 15 * 0.7 = 10.5
  Submit("question/s1", "ann", common::v1::VERDICT_KIND_ON_TIME, "ann");
  Grade("question/s1", "ann", 1, 1);  // 10 * 1 = 10
  Submit("report", "ann", common::v1::VERDICT_KIND_ON_TIME, "ann");
  Grade("report", "ann", 30, 40);    // 40 * 0.75 = 30
  Grade("group-form", "ann", 1, 1);  // weighed by nothing
  const StudentGrades row = Row("ann");
  EXPECT_DOUBLE_EQ(row.total_points(), 13.5 + 10.5 + 10 + 30);
  EXPECT_DOUBLE_EQ(row.graded_weight_percent(), 80);
  EXPECT_FALSE(Component(row, "talks").graded());
  EXPECT_THAT(row.missing_item_ids(), IsEmpty());
}

TEST_F(GradebookTest, TwoAbsencesAreFreeAndEachOneBeyondCosts) {
  Attend("ann", 8, 2);
  Attend("bob", 6, 4);
  const ComponentGrade ann = Component(Row("ann"), "participation");
  EXPECT_EQ(ann.attendance().absences(), 2);
  EXPECT_EQ(ann.attendance().penalized_absences(), 0);
  EXPECT_DOUBLE_EQ(ann.attendance().fraction(), 1);
  const ComponentGrade bob = Component(Row("bob"), "participation");
  EXPECT_EQ(bob.attendance().penalized_absences(), 2);
  EXPECT_DOUBLE_EQ(bob.attendance().fraction(), 0.8);
  EXPECT_THAT(bob.attendance().missed_sessions(),
              ElementsAre("day-6", "day-7", "day-8", "day-9"));
}

TEST_F(GradebookTest, ParticipationAveragesTheQuestionsWithAttendance) {
  Submit("question/s1", "bob", common::v1::VERDICT_KIND_ON_TIME, "bob");
  Grade("question/s1", "bob", 1, 1);
  Attend("bob", 7, 3);  // one absence beyond two of ten: 0.9
  const ComponentGrade participation = Component(Row("bob"), "participation");
  EXPECT_THAT(participation.fraction(), DoubleNear(0.95, 1e-12));
  EXPECT_THAT(participation.points(), DoubleNear(9.5, 1e-12));
  // A late question is not counted: zero for the items part.
  Submit("question/s1", "cat", common::v1::VERDICT_KIND_LATE_NOT_COUNTED,
         "cat");
  Attend("cat", 10, 0);
  EXPECT_THAT(Component(Row("cat"), "participation").fraction(),
              DoubleNear(0.5, 1e-12));
}

TEST_F(GradebookTest, EachBestGroupWinAddsTheBonusToItsMembers) {
  for (const char* session : {"s1", "s2"}) {
    auto& vote = input_.votes.emplace_back();
    vote.set_session_id(session);
    vote.set_group_id("ann-bob");
  }
  auto& vote = input_.votes.emplace_back();
  vote.set_session_id("s3");
  vote.set_group_id("bob-cat");
  EXPECT_DOUBLE_EQ(Row("ann").bonus_points(), 2);
  EXPECT_DOUBLE_EQ(Row("ann").total_points(), 2);
  EXPECT_DOUBLE_EQ(Row("bob").bonus_points(), 3);
  EXPECT_THAT(Row("cat").bonus_sessions(), ElementsAre("s3"));
  EXPECT_DOUBLE_EQ(Row("dan").bonus_points(), 0);
}

TEST_F(GradebookTest, TheUnitIsTheGroupThatOwesTheItem) {
  EXPECT_EQ(UnitOf(input_.policy, input_.items[1], "bob").id, "ann-bob");
  EXPECT_EQ(UnitOf(input_.policy, input_.items[3], "cat").id, "cat-dan");
  EXPECT_EQ(UnitOf(input_.policy, input_.items[2], "cat").id, "cat");
  EXPECT_THAT(UnitOf(input_.policy, input_.items[1], "ann").members,
              ElementsAre("ann", "bob"));
}

TEST_F(GradebookTest, TheGradebookCoversTheRosterAndWarnsAboutOddities) {
  input_.policy.mutable_grading(4)->set_weight_percent(25);
  Grade("no-such-item", "ann", 1, 1);
  const Gradebook book = ComputeGradebook(input_);
  ASSERT_EQ(book.students.size(), 4u);
  EXPECT_EQ(book.students[0].student(), "ann");
  EXPECT_EQ(book.students[0].display_name(), "Ann");
  EXPECT_EQ(book.students[3].student(), "dan");
  EXPECT_THAT(book.warnings,
              ElementsAre(HasSubstr("total 105%"), HasSubstr("no-such-item")));
}

}  // namespace
}  // namespace handin::grading
