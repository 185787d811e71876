// What a grading request may name and carry, checked against the policy.
#include "services/grading/grade_checks.h"

#include <cmath>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace handin::grading {
namespace {

using ::testing::HasSubstr;

handin::deadline::v1::CoursePolicy Policy() {
  handin::deadline::v1::CoursePolicy policy;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        course_id: "c"
        roster { students { user_id: "ann" } }
        groups { group_id: "ann-bob" member_ids: "ann" }
        sessions { date: "2024-03-19" }
        sessions { session_id: "2024-03-21-b" date: "2024-03-21" }
      )pb",
      &policy));
  return policy;
}

TEST(CheckScoreValue, AcceptsPointsWithinFullMarks) {
  EXPECT_TRUE(CheckScoreValue(0, 10, "").ok());
  EXPECT_TRUE(CheckScoreValue(10, 10, "fine").ok());
  EXPECT_TRUE(CheckScoreValue(7.5, 10, "").ok());
}

TEST(CheckScoreValue, RefusesWhatCannotBeAScore) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& [points, max_points, field] :
       {std::tuple<double, double, const char*>{11, 10, "points is 11"},
        {-0.5, 10, "points is -0.5"},
        {nan, 10, "points"},
        {1, 0, "max_points is 0"},
        {1, -10, "max_points is -10"},
        {1, inf, "max_points"}}) {
    const absl::Status status = CheckScoreValue(points, max_points, "");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(status.message(), HasSubstr(field));
  }
  const absl::Status long_comment =
      CheckScoreValue(1, 10, std::string(kMaxGradeTextBytes + 1, 'x'));
  EXPECT_EQ(long_comment.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(long_comment.message(), HasSubstr("comment is 4097 bytes"));
}

TEST(CheckPrincipal, KnowsStudentsAndGroupsOnly) {
  const auto policy = Policy();
  EXPECT_TRUE(CheckPrincipal(policy, "ann").ok());
  EXPECT_TRUE(CheckPrincipal(policy, "ann-bob").ok());
  EXPECT_EQ(CheckPrincipal(policy, "mallory").code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(CheckStudent(policy, "ann").ok());
  EXPECT_EQ(CheckStudent(policy, "ann-bob").code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(CheckGroup(policy, "ann-bob").ok());
  EXPECT_EQ(CheckGroup(policy, "ann").code(), absl::StatusCode::kNotFound);
}

TEST(CheckSession, SessionsAreNamedByIdOrElseByDate) {
  const auto policy = Policy();
  EXPECT_TRUE(CheckSession(policy, "2024-03-19").ok());
  EXPECT_TRUE(CheckSession(policy, "2024-03-21-b").ok());
  const absl::Status status = CheckSession(policy, "2024-03-21");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("no session \"2024-03-21\""));
}

TEST(CheckItem, NamesTheCourseAndHowItemsLook) {
  std::vector<handin::deadline::v1::ItemSummary> items(1);
  items[0].set_item_id("project-report");
  EXPECT_TRUE(CheckItem(items, "c", "project-report").ok());
  const absl::Status status = CheckItem(items, "c", "project-reprot");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("course c has no item"));
}

}  // namespace
}  // namespace handin::grading
