// Grading across real processes: students of one presenting group upload
// their deck several times through intake, and grading lists the item's
// submissions with the one graded for the group (the deadline service's
// ChooseCounted under the item's counted_version); staff record and change
// a score, which the gradebook applies to every member and storage's audit
// log keeps with its old and new value; a student sees only their own
// grades and asks for a regrade.
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "tests/integration/cluster.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;

// Late decks are accepted and flagged, so every upload today counts; the
// latest is graded (the reference course's default).
constexpr char kItem[] = "slides/2024-03-19";
constexpr char kGroup[] = "jiaheng-jeremy-zhenning";

class GradingEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Uploads a deck as `student` with the CLI; returns the receipt it
  // printed.
  std::string Submit(const std::string& student, int pages) {
    const std::string file = dir_.File(student + ".pdf");
    std::ofstream(file, std::ios::binary) << PdfBytes(pages);
    CommandResult run =
        RunCommand({Cluster::Binary("handin"), "submit", "--yes", "--item",
                    kItem, file, "--receipt-dir", dir_.path()},
                   {"HANDIN_SERVER=" + cluster_.TlsAddress("intake"),
                    "HANDIN_CA=" + cluster_.CaFile(),
                    "HANDIN_TOKEN=" + cluster_.Token(Role::kStudent, student),
                    "HANDIN_COURSE=eecs598-w24"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  }

  Cluster cluster_;
  TempDir dir_;
};

TEST_F(GradingEndToEndTest, TheGroupsLatestUploadIsTheOneGraded) {
  Submit("jiaheng", 1);
  Submit("jiaheng", 2);
  const std::string receipt = Submit("jeremy", 3);
  // ari does not present on Mar 19: refused (the client would not even
  // try), recorded, listed for staff.
  intake::v1::UploadResponse refused;
  EXPECT_EQ(
      UploadDirect(cluster_, "ari", kItem, "not my deck", "g-key", &refused)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  auto grading = handin::grading::v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
  handin::grading::v1::ListSubmissionsRequest request;
  request.set_course_id("eecs598-w24");
  request.set_item_id(kItem);
  handin::grading::v1::ListSubmissionsResponse response;
  grpc::ClientContext context;
  const grpc::Status status =
      grading->ListSubmissions(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.submissions_size(), 3);
  EXPECT_EQ(response.counted_version(),
            handin::deadline::v1::COUNTED_VERSION_LATEST);
  ASSERT_EQ(response.counted_size(), 1);
  EXPECT_EQ(response.counted(0).unit(), kGroup);
  const std::string& counted = response.counted(0).submission_id();
  EXPECT_EQ(counted, response.submissions(2).submission_id());
  EXPECT_EQ(response.submissions(2).principal(), "jeremy");
  EXPECT_THAT(receipt, HasSubstr(counted));
  ASSERT_EQ(response.refused_size(), 1);
  EXPECT_EQ(response.refused(0).principal(), "ari");
  EXPECT_THAT(response.refused(0).reason(), HasSubstr("is owed by"));
}

TEST_F(GradingEndToEndTest, AnUnknownItemIsNotFound) {
  auto grading = handin::grading::v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
  handin::grading::v1::ListSubmissionsRequest request;
  request.set_course_id("eecs598-w24");
  request.set_item_id("slides/1999-01-01");
  handin::grading::v1::ListSubmissionsResponse response;
  grpc::ClientContext context;
  const grpc::Status status =
      grading->ListSubmissions(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("slides/1999-01-01"));
}

namespace grading_v1 = ::handin::grading::v1;

constexpr char kCourse[] = "eecs598-w24";

grading_v1::RecordScoreRequest ScoreRequest(double points,
                                            const std::string& comment) {
  grading_v1::RecordScoreRequest request;
  request.set_course_id(kCourse);
  request.set_item_id(kItem);
  request.set_principal(kGroup);
  request.set_points(points);
  request.set_max_points(10);
  request.set_comment(comment);
  return request;
}

// The row of `student` in `book`; fails the test if there is none.
const grading_v1::StudentGrades* RowOf(
    const grading_v1::GetGradebookResponse& book, const std::string& student) {
  for (const auto& row : book.students()) {
    if (row.student() == student) return &row;
  }
  ADD_FAILURE() << "no gradebook row for " << student;
  return nullptr;
}

// The grade of kItem in `row`, or null.
const grading_v1::ItemGrade* DeckOf(const grading_v1::StudentGrades& row) {
  for (const auto& component : row.components()) {
    for (const auto& item : component.items()) {
      if (item.item_id() == kItem) return &item;
    }
  }
  return nullptr;
}

TEST_F(GradingEndToEndTest,
       AChangedScoreReachesTheGradebookAndTheAuditKeepsBoth) {
  Submit("jeremy", 2);
  auto grader = grading_v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
  auto instructor = grading_v1::GradingService::NewStub(cluster_.Channel(
      "grading", cluster_.Token(Role::kInstructor, "mosharaf")));

  grading_v1::RecordScoreResponse first;
  {
    grpc::ClientContext context;
    const grpc::Status status =
        grader->RecordScore(&context, ScoreRequest(7, "rushed ending"), &first);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(first.score().grader(), "amberljc");
  EXPECT_FALSE(first.has_previous());
  grading_v1::RecordScoreResponse second;
  {
    grpc::ClientContext context;
    const grpc::Status status = instructor->RecordScore(
        &context, ScoreRequest(9, "on reflection, fine"), &second);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(second.previous().points(), 7);
  EXPECT_EQ(second.score().grader(), "mosharaf");

  grading_v1::GetGradebookRequest book_request;
  book_request.set_course_id(kCourse);
  grading_v1::GetGradebookResponse book;
  {
    grpc::ClientContext context;
    const grpc::Status status =
        grader->GetGradebook(&context, book_request, &book);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  for (const char* member : {"jiaheng", "jeremy", "zhenning"}) {
    const grading_v1::StudentGrades* row = RowOf(book, member);
    ASSERT_NE(row, nullptr);
    const grading_v1::ItemGrade* deck = DeckOf(*row);
    ASSERT_NE(deck, nullptr) << member;
    EXPECT_EQ(deck->standing(), grading_v1::ITEM_STANDING_SCORED) << member;
    EXPECT_DOUBLE_EQ(deck->earned_fraction(), 0.9);
    // Today is long past the Winter 2024 due instant: late, flagged, counted.
    EXPECT_TRUE(deck->late());
    EXPECT_GT(row->total_points(), 0);
  }
  const grading_v1::StudentGrades* ari = RowOf(book, "ari");
  ASSERT_NE(ari, nullptr);
  EXPECT_EQ(DeckOf(*ari), nullptr);

  grading_v1::ListGradeHistoryRequest history_request;
  history_request.set_course_id(kCourse);
  grading_v1::ListGradeHistoryResponse history;
  {
    grpc::ClientContext context;
    const grpc::Status status =
        grader->ListGradeHistory(&context, history_request, &history);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(history.changes_size(), 2);
  EXPECT_EQ(history.changes(0).kind(), grading_v1::GRADE_CHANGE_KIND_RECORDED);
  EXPECT_EQ(history.changes(0).actor(), "amberljc");
  EXPECT_EQ(history.changes(1).kind(), grading_v1::GRADE_CHANGE_KIND_CHANGED);
  EXPECT_EQ(history.changes(1).actor(), "mosharaf");
  EXPECT_EQ(history.changes(1).old_value().score().points(), 7);
  EXPECT_EQ(history.changes(1).new_value().score().points(), 9);
  EXPECT_EQ(history.changes(1).new_value().score().comment(),
            "on reflection, fine");

  // The chain that holds them verifies, read while storage runs.
  const CommandResult verify =
      RunCommand({Cluster::Binary("handin-admin"), "audit", "verify",
                  "--data_dir", cluster_.StorageDataDir()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("audit chain intact"));
  EXPECT_THAT(verify.out, HasSubstr(history.changes(1).hash_hex()));

  grading_v1::ExportGradebookCsvRequest export_request;
  export_request.set_course_id(kCourse);
  grading_v1::ExportGradebookCsvResponse csv;
  {
    grpc::ClientContext context;
    const grpc::Status status =
        grader->ExportGradebookCsv(&context, export_request, &csv);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(csv.file_name(), "eecs598-w24-gradebook.csv");
  EXPECT_EQ(csv.rows(), book.students_size());
  EXPECT_EQ(csv.csv().rfind("\xEF\xBB\xBFstudent,name,", 0), 0u);
  EXPECT_THAT(csv.csv(), HasSubstr("\r\njeremy,Jeremy,13.50,"));
}

TEST_F(GradingEndToEndTest,
       AStudentSeesOnlyTheirOwnGradesAndMayAskForARegrade) {
  auto grader = grading_v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
  auto jeremy = grading_v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kStudent, "jeremy")));
  auto ari = grading_v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kStudent, "ari")));
  {
    // Presented in class without a deck: graded all the same.
    grpc::ClientContext context;
    grading_v1::RecordScoreResponse response;
    const grpc::Status status = grader->RecordScore(
        &context, ScoreRequest(6, "slides missing"), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  grading_v1::GetMyGradesRequest mine;
  mine.set_course_id(kCourse);
  {
    grpc::ClientContext context;
    grading_v1::GetMyGradesResponse response;
    const grpc::Status status = jeremy->GetMyGrades(&context, mine, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.grades().student(), "jeremy");
    const grading_v1::ItemGrade* deck = DeckOf(response.grades());
    ASSERT_NE(deck, nullptr);
    EXPECT_EQ(deck->score().points(), 6);
    EXPECT_THAT(deck->note(), HasSubstr("group score"));
  }
  {
    grpc::ClientContext context;
    grading_v1::GetMyGradesResponse response;
    ASSERT_TRUE(ari->GetMyGrades(&context, mine, &response).ok());
    EXPECT_EQ(response.grades().student(), "ari");
    EXPECT_EQ(DeckOf(response.grades()), nullptr);
  }
  {
    // The whole gradebook is for staff.
    grpc::ClientContext context;
    grading_v1::GetGradebookRequest request;
    request.set_course_id(kCourse);
    grading_v1::GetGradebookResponse response;
    EXPECT_EQ(jeremy->GetGradebook(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }

  grading_v1::RequestRegradeRequest ask;
  ask.set_course_id(kCourse);
  ask.set_item_id(kItem);
  ask.set_reason("we emailed the deck on time");
  grading_v1::RequestRegradeResponse asked;
  {
    grpc::ClientContext context;
    const grpc::Status status = jeremy->RequestRegrade(&context, ask, &asked);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(asked.regrade().requested_by(), "jeremy");
  EXPECT_EQ(asked.regrade().principal(), kGroup);
  {
    // ari's group does not present that day: nothing of it applies to ari.
    grpc::ClientContext context;
    grading_v1::RequestRegradeResponse response;
    const grpc::Status status = ari->RequestRegrade(&context, ask, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }

  grading_v1::ResolveRegradeRequest resolve;
  resolve.set_course_id(kCourse);
  resolve.set_regrade_id(asked.regrade().regrade_id());
  resolve.set_state(common::v1::REGRADE_STATE_ACCEPTED);
  resolve.set_response("found it in the inbox");
  resolve.mutable_rescore()->set_points(10);
  resolve.mutable_rescore()->set_max_points(10);
  {
    grpc::ClientContext context;
    grading_v1::ResolveRegradeResponse response;
    const grpc::Status status =
        grader->ResolveRegrade(&context, resolve, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.score().points(), 10);
    EXPECT_EQ(response.regrade().resolved_by(), "amberljc");
  }
  {
    grpc::ClientContext context;
    grading_v1::GetMyGradesResponse response;
    ASSERT_TRUE(jeremy->GetMyGrades(&context, mine, &response).ok());
    ASSERT_EQ(response.regrades_size(), 1);
    EXPECT_EQ(response.regrades(0).state(), common::v1::REGRADE_STATE_ACCEPTED);
    EXPECT_EQ(response.regrades(0).response(), "found it in the inbox");
    const grading_v1::ItemGrade* deck = DeckOf(response.grades());
    ASSERT_NE(deck, nullptr);
    EXPECT_EQ(deck->score().points(), 10);
  }
  {
    // A grader of another course is refused.
    auto stranger = grading_v1::GradingService::NewStub(cluster_.Channel(
        "grading", cluster_.Token(Role::kGrader, "amberljc", "eecs482-f24")));
    grpc::ClientContext context;
    grading_v1::GetGradebookRequest request;
    request.set_course_id(kCourse);
    grading_v1::GetGradebookResponse response;
    EXPECT_EQ(stranger->GetGradebook(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(GradingEndToEndTest, BadGradesAreRefusedSayingWhatWasWrong) {
  auto grader = grading_v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
  struct Case {
    grading_v1::RecordScoreRequest request;
    grpc::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({ScoreRequest(11, ""), grpc::StatusCode::INVALID_ARGUMENT,
                   "points is 11"});
  cases.push_back({ScoreRequest(1, std::string(5000, 'x')),
                   grpc::StatusCode::INVALID_ARGUMENT,
                   "comment is 5000 bytes"});
  cases.push_back({ScoreRequest(1, ""), grpc::StatusCode::NOT_FOUND,
                   "neither a student nor a group"});
  cases.back().request.set_principal("mallory");
  cases.push_back({ScoreRequest(1, ""), grpc::StatusCode::NOT_FOUND,
                   "has no item \"slides/1999-01-01\""});
  cases.back().request.set_item_id("slides/1999-01-01");
  cases.push_back({ScoreRequest(1, ""), grpc::StatusCode::INVALID_ARGUMENT,
                   "course_id is required"});
  cases.back().request.clear_course_id();
  for (const Case& c : cases) {
    grpc::ClientContext context;
    grading_v1::RecordScoreResponse response;
    const grpc::Status status =
        grader->RecordScore(&context, c.request, &response);
    EXPECT_EQ(status.error_code(), c.code) << c.message;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }
  grading_v1::RecordAttendanceRequest attendance;
  attendance.set_course_id(kCourse);
  attendance.set_session_id("2024-01-30");  // No lecture that day.
  attendance.set_student("leah");
  grpc::ClientContext context;
  grading_v1::RecordAttendanceResponse response;
  const grpc::Status status =
      grader->RecordAttendance(&context, attendance, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("no session \"2024-01-30\""));

  // Nothing of it reached the audit log.
  grading_v1::ListGradeHistoryRequest history_request;
  history_request.set_course_id(kCourse);
  grading_v1::ListGradeHistoryResponse history;
  grpc::ClientContext history_context;
  ASSERT_TRUE(
      grader->ListGradeHistory(&history_context, history_request, &history)
          .ok());
  EXPECT_EQ(history.changes_size(), 0);
}

}  // namespace
}  // namespace handin::testing
