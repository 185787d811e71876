// `handin deadlines`: the table's formatting on its own, and the command
// against the real intake service in-process (with a fake deadline service).
#include "clients/handin/deadlines.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "clients/handin/errors.h"
#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/testing/temp_dir.h"

namespace handin::client {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::deadline::v1::ListDeadlinesResponse;
using ::handin::testing::IntakeHarness;
using ::handin::testing::TempDir;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCourse[] = "eecs598-w24";

// Appends an owed item due at `due` (Unix seconds) with `left` to go.
void AddDeadline(ListDeadlinesResponse& response, const std::string& item_id,
                 int64_t due, const std::string& due_local, absl::Duration left,
                 common::v1::VerdictKind verdict, double penalty = 0) {
  deadline::v1::Deadline& deadline = *response.add_deadlines();
  deadline.mutable_item()->set_item_id(item_id);
  deadline.mutable_item()->set_title("Title of " + item_id);
  *deadline.mutable_item()->mutable_due_at() =
      ToProtoTimestamp(absl::FromUnixSeconds(due));
  deadline.mutable_item()->set_due_local(due_local);
  *deadline.mutable_time_left() = ToProtoDuration(left);
  deadline.set_verdict_now(verdict);
  deadline.set_penalty_percent_now(penalty);
}

// Two past items (one late-counted, one not counted) and one upcoming,
// listed out of order.
ListDeadlinesResponse MixedDeadlines() {
  ListDeadlinesResponse response;
  AddDeadline(response, "project-report", 3000, "2024-05-01 18:00 EDT",
              absl::Hours(76), VERDICT_KIND_ON_TIME);
  AddDeadline(response, "slides/2024-03-19", 1000, "2024-03-18 10:30 EDT",
              -absl::Hours(30), VERDICT_KIND_LATE_COUNTED, 10);
  AddDeadline(response, "summary/2024-03-19", 2000, "2024-03-20 12:00 EDT",
              -absl::Hours(2), VERDICT_KIND_LATE_NOT_COUNTED);
  return response;
}

TEST(FormatTimeLeft, ReadsLikeAPersonWouldSayIt) {
  EXPECT_EQ(FormatTimeLeft(absl::Hours(76) + absl::Minutes(5)), "3 days 4 h");
  EXPECT_EQ(FormatTimeLeft(absl::Hours(24)), "1 day");
  EXPECT_EQ(FormatTimeLeft(absl::Hours(5) + absl::Minutes(12)), "5 h 12 min");
  EXPECT_EQ(FormatTimeLeft(absl::Hours(2)), "2 h");
  EXPECT_EQ(FormatTimeLeft(absl::Minutes(12)), "12 min");
  EXPECT_EQ(FormatTimeLeft(absl::Seconds(30)), "under 1 min");
  EXPECT_EQ(FormatTimeLeft(absl::ZeroDuration()), "past due");
  EXPECT_EQ(FormatTimeLeft(-absl::Hours(3)), "past due");
}

TEST(FormatDeadlines, AllListsEveryItemSortedByDueInAlignedColumns) {
  EXPECT_EQ(
      FormatDeadlines(MixedDeadlines(), kCourse, /*all=*/true),
      "ITEM                DUE                   LEFT        IF SUBMITTED NOW "
      "     TITLE\n"
      "slides/2024-03-19   2024-03-18 10:30 EDT  past due    late, counted "
      "(-10%)  Title of slides/2024-03-19\n"
      "summary/2024-03-19  2024-03-20 12:00 EDT  past due    late, not "
      "counted     Title of summary/2024-03-19\n"
      "project-report      2024-05-01 18:00 EDT  3 days 4 h  on time         "
      "      Title of project-report\n");
}

TEST(FormatDeadlines, DefaultListsOnlyWhatIsUpcoming) {
  const std::string text =
      FormatDeadlines(MixedDeadlines(), kCourse, /*all=*/false);
  EXPECT_THAT(text, HasSubstr("project-report"));
  EXPECT_THAT(text, Not(HasSubstr("slides/2024-03-19")));
  EXPECT_THAT(text, Not(HasSubstr("summary/2024-03-19")));
}

TEST(FormatDeadlines, EndsWithTheLateDaysLeftWhenTheCourseHasABudget) {
  ListDeadlinesResponse response = MixedDeadlines();
  EXPECT_THAT(FormatDeadlines(response, kCourse, /*all=*/true),
              Not(HasSubstr("late days")));
  response.set_late_days_budget(5);
  response.set_late_days_spent(2);
  EXPECT_THAT(FormatDeadlines(response, kCourse, /*all=*/false),
              EndsWith("\nlate days: 3 of 5 left\n"));
}

TEST(FormatDeadlines, PastDueButStillOnTimeIsUpcomingAndSaysGrace) {
  ListDeadlinesResponse response;
  AddDeadline(response, "question/2024-03-19", 1000, "2024-03-19 10:30 EDT",
              -absl::Minutes(2), VERDICT_KIND_ON_TIME);
  EXPECT_THAT(FormatDeadlines(response, kCourse, /*all=*/false),
              HasSubstr("past due (in grace)  on time"));
}

TEST(FormatDeadlines, WhenEverythingIsPastTheDefaultPointsToAll) {
  ListDeadlinesResponse response = MixedDeadlines();
  response.mutable_deadlines()->DeleteSubrange(0, 1);
  EXPECT_EQ(FormatDeadlines(response, kCourse, /*all=*/false),
            "nothing upcoming; `handin deadlines --all` lists all 2 items you "
            "owe\n");
  response.mutable_deadlines()->DeleteSubrange(0, 1);
  EXPECT_EQ(FormatDeadlines(response, kCourse, /*all=*/false),
            "nothing upcoming; `handin deadlines --all` lists the 1 item you "
            "owe\n");
}

TEST(FormatDeadlines, OwingNothingSaysSo) {
  EXPECT_EQ(FormatDeadlines(ListDeadlinesResponse(), kCourse, /*all=*/true),
            "you owe nothing in eecs598-w24\n");
}

TEST(CountCalendarEvents, CountsVeventsWithCrlfLines) {
  EXPECT_EQ(CountCalendarEvents("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT"
                                "\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:"
                                "VCALENDAR\r\n"),
            2);
  EXPECT_EQ(CountCalendarEvents("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), 0);
}

class DeadlinesCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    options_.server = harness_.intake_address();
    options_.insecure = true;
    options_.token =
        ::handin::testing::HarnessAuth().Token(Role::kStudent, "jeremy");
  }

  int Run(const DeadlinesOptions& deadlines) {
    return RunDeadlines(options_, deadlines, Console{out_, err_});
  }

  static deadline::v1::ExportCalendarResponse Calendar() {
    deadline::v1::ExportCalendarResponse calendar;
    calendar.set_calendar(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    calendar.set_file_name("eecs598-w24-jeremy.ics");
    return calendar;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
  }

  IntakeHarness harness_;
  GlobalOptions options_;
  TempDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(DeadlinesCommandTest, ListsTheCallersDeadlines) {
  harness_.deadline().SetDeadlines(MixedDeadlines());
  ASSERT_EQ(Run({.all = true}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(),
            FormatDeadlines(MixedDeadlines(), kCourse, /*all=*/true));
  const auto requests = harness_.deadline().deadline_lists();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].principal(), "jeremy");
  EXPECT_EQ(requests[0].course_id(), kCourse);
}

TEST_F(DeadlinesCommandTest, ServerErrorIsOneLineAndExitsOne) {
  harness_.deadline().SetDeadlines(
      {}, grpc::Status(grpc::StatusCode::NOT_FOUND,
                       "jeremy is not on the roster of eecs598-w24"));
  EXPECT_EQ(Run({}), kExitServerError);
  EXPECT_EQ(err_.str(), "handin: jeremy is not on the roster of eecs598-w24\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(DeadlinesCommandTest, IcsWritesTheCalendarToTheGivenFile) {
  harness_.deadline().SetCalendar(Calendar());
  const std::string path = dir_.File("mine.ics");
  ASSERT_EQ(Run({.ics = true, .ics_file = path}), kExitOk) << err_.str();
  EXPECT_EQ(ReadFile(path), Calendar().calendar());
  EXPECT_EQ(out_.str(), "wrote 1 event to " + path + "\n");
  ASSERT_EQ(harness_.deadline().calendar_exports().size(), 1u);
  EXPECT_EQ(harness_.deadline().calendar_exports()[0].principal(), "jeremy");
}

TEST_F(DeadlinesCommandTest, IcsWithoutAFileUsesTheServersSuggestedName) {
  harness_.deadline().SetCalendar(Calendar());
  char* previous = getcwd(nullptr, 0);
  ASSERT_EQ(chdir(dir_.path().c_str()), 0);
  const int code = Run({.ics = true});
  ASSERT_EQ(chdir(previous), 0);
  free(previous);
  ASSERT_EQ(code, kExitOk) << err_.str();
  EXPECT_EQ(ReadFile(dir_.File("eecs598-w24-jeremy.ics")),
            Calendar().calendar());
  EXPECT_EQ(out_.str(), "wrote 1 event to eecs598-w24-jeremy.ics\n");
}

TEST_F(DeadlinesCommandTest, IcsIntoAMissingDirectoryIsALocalError) {
  harness_.deadline().SetCalendar(Calendar());
  const std::string path = dir_.File("no/such/dir/mine.ics");
  EXPECT_EQ(Run({.ics = true, .ics_file = path}), kExitLocalError);
  EXPECT_THAT(err_.str(), HasSubstr("handin: cannot write " + path));
}

}  // namespace
}  // namespace handin::client
