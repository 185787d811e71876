// The grade store on a real RocksDB in a temporary directory: scores,
// attendance, best-group votes and regrades, each change audited with its
// old and new value in the store's one hash chain.
#include "services/storage/grade_store.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/audit_chain.h"
#include "services/storage/audit_log.h"
#include "services/storage/keys.h"
#include "services/storage/submission_store.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Attendance;
using ::handin::common::v1::BestGroupVote;
using ::handin::common::v1::Regrade;
using ::handin::common::v1::Score;
using ::handin::storage::testing::CountKeys;
using ::handin::storage::testing::GetRaw;
using ::handin::storage::testing::PutRaw;
using ::handin::storage::v1::AuditEvent;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::SizeIs;

constexpr char kCourse[] = "eecs598-w24";
const absl::Time kStart = absl::FromUnixSeconds(1710000000);

Score MakeScore(const std::string& item, const std::string& principal,
                double points, double max_points) {
  Score score;
  score.set_course_id(kCourse);
  score.set_item_id(item);
  score.set_principal(principal);
  score.set_points(points);
  score.set_max_points(max_points);
  score.set_comment("clear slides");
  score.set_grader("amberljc");
  return score;
}

Attendance MakeAttendance(const std::string& session,
                          const std::string& student, bool present) {
  Attendance attendance;
  attendance.set_course_id(kCourse);
  attendance.set_session_id(session);
  attendance.set_student(student);
  attendance.set_present(present);
  attendance.set_recorded_by("amberljc");
  return attendance;
}

Regrade MakeRegrade(const std::string& item, const std::string& student) {
  Regrade regrade;
  regrade.set_course_id(kCourse);
  regrade.set_item_id(item);
  regrade.set_principal(student);
  regrade.set_requested_by(student);
  regrade.set_reason("question 2 was answered on page 3");
  return regrade;
}

class GradeStoreTest : public ::testing::Test {
 protected:
  GradeStoreTest() : clock_(kStart) { Reopen(); }

  void Reopen() {
    grades_.reset();
    store_.reset();
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    grades_ = std::make_unique<GradeStore>(store_->database(), clock_,
                                           store_->audit());
  }

  void Close() {
    grades_.reset();
    store_.reset();
  }

  std::vector<AuditEvent> Audit() {
    auto events = grades_->ListAudit(kCourse);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<AuditEvent>();
  }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_;
  std::unique_ptr<SubmissionStore> store_;
  std::unique_ptr<GradeStore> grades_;
};

TEST_F(GradeStoreTest, AFirstScoreIsRecordedAndAuditedWithItsNewValue) {
  auto put = grades_->PutScore(MakeScore("slides/2024-03-19", "ann", 8, 10));
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_FALSE(put->previous.has_value());
  EXPECT_EQ(FromProtoTimestamp(put->stored.recorded_at()), kStart);

  const std::vector<AuditEvent> audit = Audit();
  ASSERT_THAT(audit, SizeIs(1));
  EXPECT_EQ(audit[0].kind(), v1::AUDIT_EVENT_KIND_GRADE_RECORDED);
  EXPECT_EQ(audit[0].actor(), "amberljc");
  EXPECT_EQ(audit[0].principal(), "ann");
  EXPECT_EQ(audit[0].item_id(), "slides/2024-03-19");
  EXPECT_FALSE(audit[0].has_old_grade());
  EXPECT_EQ(audit[0].new_grade().score().points(), 8);
}

TEST_F(GradeStoreTest, AChangedScoreKeepsTheOldAndTheNewValueInTheAudit) {
  ASSERT_TRUE(
      grades_->PutScore(MakeScore("slides/2024-03-19", "ann", 8, 10)).ok());
  clock_.Advance(absl::Minutes(5));
  Score changed = MakeScore("slides/2024-03-19", "ann", 9.5, 10);
  changed.set_grader("mosharaf");
  auto put = grades_->PutScore(changed);
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_TRUE(put->previous.has_value());
  EXPECT_EQ(put->previous->points(), 8);
  EXPECT_EQ(put->previous->grader(), "amberljc");

  auto listed = grades_->ListScores(kCourse, "", "");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].points(), 9.5);

  const std::vector<AuditEvent> audit = Audit();
  ASSERT_THAT(audit, SizeIs(2));
  EXPECT_EQ(audit[1].kind(), v1::AUDIT_EVENT_KIND_GRADE_CHANGED);
  EXPECT_EQ(audit[1].actor(), "mosharaf");
  EXPECT_EQ(audit[1].old_grade().score().points(), 8);
  EXPECT_EQ(audit[1].new_grade().score().points(), 9.5);
  EXPECT_EQ(FromProtoTimestamp(audit[1].new_grade().score().recorded_at()),
            kStart + absl::Minutes(5));
}

TEST_F(GradeStoreTest, ScoresSurviveAReopenInTheGradesFamily) {
  ASSERT_TRUE(
      grades_->PutScore(MakeScore("project-report", "ann", 35, 40)).ok());
  Reopen();
  auto listed = grades_->ListScores(kCourse, "project-report", "ann");
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ElementsAre(Property(&Score::points, 35)));
  Close();
  EXPECT_EQ(CountKeys(dir_.path(), keys::CourseScorePrefix(kCourse)), 1);
  for (const std::string& key :
       {keys::ScoreKey(kCourse, "ann", "x"),
        keys::AttendanceKey(kCourse, "2024-03-19", "ann"),
        keys::VoteKey(kCourse, "2024-03-19"), keys::RegradeKey(kCourse, "r")}) {
    EXPECT_EQ(keys::ColumnFamilyOf(key), kGradesFamily) << key;
  }
}

TEST_F(GradeStoreTest, BadScoresAreRefusedNamingTheField) {
  struct Case {
    Score score;
    std::string message;
  };
  Score no_grader = MakeScore("project-report", "ann", 1, 10);
  no_grader.clear_grader();
  Score nul_item = MakeScore(std::string("a\0b", 3), "ann", 1, 10);
  const std::vector<Case> cases = {
      {MakeScore("project-report", "ann", 11, 10), "points is 11"},
      {MakeScore("project-report", "ann", -1, 10), "points is -1"},
      {MakeScore("project-report", "ann", std::nan(""), 10), "points"},
      {MakeScore("project-report", "ann", 0, 0), "max_points is 0"},
      {MakeScore("project-report", "", 1, 10), "principal"},
      {nul_item, "item_id"},
      {no_grader, "grader is required"},
  };
  for (const Case& c : cases) {
    auto put = grades_->PutScore(c.score);
    EXPECT_EQ(put.status().code(), absl::StatusCode::kInvalidArgument)
        << c.message;
    EXPECT_THAT(put.status().message(), HasSubstr(c.message));
  }
  EXPECT_THAT(Audit(), IsEmpty());
}

TEST_F(GradeStoreTest, ScoreListingsFilterByPrincipalAndItemExactly) {
  for (const char* principal : {"ann", "anna", "ari-jack-vishwa"}) {
    ASSERT_TRUE(
        grades_->PutScore(MakeScore("slides/2024-01-25", principal, 5, 10))
            .ok());
  }
  ASSERT_TRUE(grades_->PutScore(MakeScore("slides", "ann", 5, 10)).ok());
  auto ann = grades_->ListScores(kCourse, "", "ann");
  ASSERT_TRUE(ann.ok());
  EXPECT_THAT(*ann, SizeIs(2));
  auto item = grades_->ListScores(kCourse, "slides/2024-01-25", "");
  ASSERT_TRUE(item.ok());
  EXPECT_THAT(*item,
              ElementsAre(Property(&Score::principal, "ann"),
                          Property(&Score::principal, "anna"),
                          Property(&Score::principal, "ari-jack-vishwa")));
  auto other = grades_->ListScores("eecs598", "", "");
  ASSERT_TRUE(other.ok());
  EXPECT_THAT(*other, IsEmpty());
}

TEST_F(GradeStoreTest, AttendanceIsReplacedPerSessionAndStudent) {
  ASSERT_TRUE(
      grades_->PutAttendance(MakeAttendance("2024-03-19", "ann", true)).ok());
  ASSERT_TRUE(
      grades_->PutAttendance(MakeAttendance("2024-03-19", "bob", false)).ok());
  ASSERT_TRUE(
      grades_->PutAttendance(MakeAttendance("2024-03-21", "ann", false)).ok());
  auto changed =
      grades_->PutAttendance(MakeAttendance("2024-03-19", "ann", false));
  ASSERT_TRUE(changed.ok()) << changed.status();
  ASSERT_TRUE(changed->previous.has_value());
  EXPECT_TRUE(changed->previous->present());

  auto ann = grades_->ListAttendance(kCourse, "", "ann");
  ASSERT_TRUE(ann.ok());
  EXPECT_THAT(*ann, ElementsAre(Property(&Attendance::present, false),
                                Property(&Attendance::present, false)));
  auto session = grades_->ListAttendance(kCourse, "2024-03-19", "");
  ASSERT_TRUE(session.ok());
  EXPECT_THAT(*session, SizeIs(2));

  const std::vector<AuditEvent> audit = Audit();
  ASSERT_THAT(audit, SizeIs(4));
  EXPECT_EQ(audit[3].kind(), v1::AUDIT_EVENT_KIND_GRADE_CHANGED);
  EXPECT_EQ(audit[3].subject_id(), "2024-03-19");
  EXPECT_TRUE(audit[3].old_grade().attendance().present());
  EXPECT_FALSE(audit[3].new_grade().attendance().present());

  Attendance unsigned_record = MakeAttendance("2024-03-19", "ann", true);
  unsigned_record.clear_recorded_by();
  EXPECT_EQ(grades_->PutAttendance(unsigned_record).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(GradeStoreTest, ASessionHasOneBestGroupResult) {
  BestGroupVote vote;
  vote.set_course_id(kCourse);
  vote.set_session_id("2024-03-19");
  vote.set_group_id("jiaheng-jeremy-zhenning");
  vote.set_votes(12);
  vote.set_recorded_by("amberljc");
  ASSERT_TRUE(grades_->PutBestGroupVote(vote).ok());
  vote.set_group_id("leah-zin-rabia");
  auto replaced = grades_->PutBestGroupVote(vote);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(replaced->previous->group_id(), "jiaheng-jeremy-zhenning");
  auto listed = grades_->ListBestGroupVotes(kCourse);
  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(*listed, ElementsAre(Property(&BestGroupVote::group_id,
                                            "leah-zin-rabia")));

  vote.set_votes(-1);
  auto negative = grades_->PutBestGroupVote(vote);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(negative.status().message(), HasSubstr("votes is -1"));
}

TEST_F(GradeStoreTest, ARegradeIsRequestedOnceAndResolvedOnce) {
  auto created = grades_->CreateRegrade(MakeRegrade("project-report", "ann"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->regrade_id().empty());
  EXPECT_EQ(created->state(), common::v1::REGRADE_STATE_OPEN);
  EXPECT_EQ(FromProtoTimestamp(created->requested_at()), kStart);

  auto twice = grades_->CreateRegrade(MakeRegrade("project-report", "ann"));
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(twice.status().message(), HasSubstr(created->regrade_id()));
  // Another student's request for the same item is theirs to make.
  ASSERT_TRUE(
      grades_->CreateRegrade(MakeRegrade("project-report", "bob")).ok());

  clock_.Advance(absl::Hours(1));
  auto resolved = grades_->ResolveRegrade(kCourse, created->regrade_id(),
                                          common::v1::REGRADE_STATE_ACCEPTED,
                                          "amberljc", "you are right; 38/40");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state(), common::v1::REGRADE_STATE_ACCEPTED);
  EXPECT_EQ(resolved->reason(), "question 2 was answered on page 3");
  EXPECT_EQ(FromProtoTimestamp(resolved->resolved_at()),
            kStart + absl::Hours(1));

  auto again = grades_->ResolveRegrade(kCourse, created->regrade_id(),
                                       common::v1::REGRADE_STATE_REJECTED,
                                       "mosharaf", "no");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("already resolved"));
  EXPECT_EQ(grades_
                ->ResolveRegrade(kCourse, "20240101T000000.000000Z",
                                 common::v1::REGRADE_STATE_REJECTED, "m", "no")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(grades_
                ->ResolveRegrade(kCourse, created->regrade_id(),
                                 common::v1::REGRADE_STATE_OPEN, "m", "no")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);

  auto open = grades_->ListRegrades(kCourse, "", "", /*open_only=*/true);
  ASSERT_TRUE(open.ok());
  EXPECT_THAT(*open, ElementsAre(Property(&Regrade::requested_by, "bob")));
  // Once resolved, the student may ask again.
  EXPECT_TRUE(
      grades_->CreateRegrade(MakeRegrade("project-report", "ann")).ok());

  const std::vector<AuditEvent> audit = Audit();
  ASSERT_THAT(audit, SizeIs(4));
  EXPECT_EQ(audit[0].kind(), v1::AUDIT_EVENT_KIND_REGRADE_REQUESTED);
  EXPECT_EQ(audit[0].actor(), "ann");
  EXPECT_EQ(audit[2].kind(), v1::AUDIT_EVENT_KIND_REGRADE_RESOLVED);
  EXPECT_EQ(audit[2].actor(), "amberljc");
  EXPECT_EQ(audit[2].old_grade().regrade().state(),
            common::v1::REGRADE_STATE_OPEN);
  EXPECT_EQ(audit[2].new_grade().regrade().response(), "you are right; 38/40");
}

TEST_F(GradeStoreTest, AChangedGradeEventBreaksTheChain) {
  ASSERT_TRUE(
      grades_->PutScore(MakeScore("project-report", "ann", 20, 40)).ok());
  ASSERT_TRUE(
      grades_->PutScore(MakeScore("project-report", "ann", 30, 40)).ok());
  Close();
  auto intact = VerifyAuditLogInDirectory(dir_.path());
  ASSERT_TRUE(intact.ok()) << intact.status();
  EXPECT_TRUE(intact->intact);
  EXPECT_EQ(intact->verified_events, 2);

  // Someone raises the old value of the change in the log.
  AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(GetRaw(dir_.path(), keys::AuditKey(2))));
  event.mutable_old_grade()->mutable_score()->set_points(35);
  PutRaw(dir_.path(), keys::AuditKey(2), event.SerializeAsString());
  auto broken = VerifyAuditLogInDirectory(dir_.path());
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_FALSE(broken->intact);
  EXPECT_EQ(broken->break_sequence, 2);
}

TEST_F(GradeStoreTest, GradeEventsOfOtherCoursesAndKindsAreNotListed) {
  ASSERT_TRUE(
      grades_->PutScore(MakeScore("project-report", "ann", 20, 40)).ok());
  Score elsewhere = MakeScore("project-report", "ann", 20, 40);
  elsewhere.set_course_id("eecs482-f24");
  ASSERT_TRUE(grades_->PutScore(elsewhere).ok());
  common::v1::Extension extension;
  extension.set_course_id(kCourse);
  extension.set_item_id("project-report");
  extension.set_principal("ann");
  extension.mutable_due_at()->set_seconds(1);
  extension.set_reason("illness");
  extension.set_granted_by("mosharaf");
  ASSERT_TRUE(store_->extensions().Put(extension).ok());
  EXPECT_THAT(Audit(), ElementsAre(Property(&AuditEvent::course_id, kCourse)));
}

}  // namespace
}  // namespace handin::storage
