#include "services/deadline/policy_loader.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::deadline::testing::kMinimalPolicy;
using ::handin::deadline::testing::ReferencePolicyPath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Loads kMinimalPolicy with `edits` applied, as "test.textproto".
absl::StatusOr<std::unique_ptr<Course>> LoadEdited(
    std::initializer_list<std::pair<absl::string_view, absl::string_view>>
        edits) {
  return LoadCourseFromString(absl::StrReplaceAll(kMinimalPolicy, edits),
                              "test.textproto");
}

// Returns the load error of an edited kMinimalPolicy ("" if it loads).
std::string LoadError(
    std::initializer_list<std::pair<absl::string_view, absl::string_view>>
        edits) {
  auto course = LoadEdited(edits);
  if (course.ok()) return "";
  EXPECT_EQ(course.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(course.status().message());
}

TEST(PolicyLoader, LoadsTheMinimalPolicyWithoutWarnings) {
  auto course = LoadCourseFromString(kMinimalPolicy, "test.textproto");
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_EQ((*course)->id(), "c1");
  EXPECT_THAT((*course)->warnings(), IsEmpty());
  ASSERT_EQ((*course)->items().size(), 1u);
  EXPECT_EQ((*course)->items()[0].id, "slides/2024-03-19");
}

TEST(PolicyLoader, TheDigestIsTheSha256OfTheTextAsSha256sumPrintsIt) {
  auto course = LoadCourseFromString(kMinimalPolicy, "test.textproto");
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_EQ((*course)->policy_digest(), Sha256::Of(kMinimalPolicy));
  auto edited = LoadEdited({{"Cat", "Kat"}});
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_NE((*edited)->policy_digest(), (*course)->policy_digest());
}

TEST(PolicyLoader, ReportsAParseErrorWithFileLineAndColumn) {
  EXPECT_EQ(LoadError({{"time_zone: \"America", "time_zone \"America"}}),
            "test.textproto:2:11: Expected \":\", found "
            "\"\"America/Detroit\"\".");
}

TEST(PolicyLoader, ReportsAnUnknownFieldWithItsLine) {
  EXPECT_THAT(LoadError({{"session_end_time: \"12:00\"",
                          "session_end_time: \"12:00\" colour: \"red\""}}),
              // The parser reports the column after the field name.
              StartsWith("test.textproto:4:33: Message type "
                         "\"handin.deadline.v1.CoursePolicy\" has no field "
                         "named \"colour\""));
}

TEST(PolicyLoader, RejectsAnUnknownTimeZoneInsteadOfFallingBackToUtc) {
  EXPECT_EQ(LoadError({{"America/Detroit", "America/Detriot"}}),
            "test.textproto:2:1: unknown time zone \"America/Detriot\": not "
            "found in the IANA time zone database; use a name such as "
            "\"America/Detroit\"");
}

TEST(PolicyLoader, RejectsAMissingTimeZone) {
  EXPECT_THAT(LoadError({{"time_zone: \"America/Detroit\"", ""}}),
              HasSubstr("time_zone is required"));
}

TEST(PolicyLoader, RejectsADanglingPresenterGroup) {
  EXPECT_EQ(LoadError({{"presenters { group_id: \"ann-bob\" }",
                        "presenters { group_id: \"ann-bobb\" }"}}),
            "test.textproto:11:44: session 2024-03-19: presenter group "
            "\"ann-bobb\" is not defined in groups");
}

TEST(PolicyLoader, RejectsAGroupMemberWhoIsNotOnTheRoster) {
  EXPECT_EQ(LoadError({{"[\"ann\", \"bob\"]", "[\"ann\", \"bobby\"]"}}),
            "test.textproto:10:60: group \"ann-bob\" lists member \"bobby\", "
            "who is not a student on the roster");
}

TEST(PolicyLoader, RejectsASessionWithoutADate) {
  EXPECT_EQ(LoadError({{"date: \"2024-03-19\" ", ""}}),
            "test.textproto:11:1: session #1 has no date; every session "
            "needs date: \"YYYY-MM-DD\"");
}

TEST(PolicyLoader, RejectsAnImpossibleSessionDate) {
  EXPECT_THAT(LoadError({{"2024-03-19", "2024-02-30"}}),
              StartsWith("test.textproto:11:12: \"2024-02-30\" is not a date"));
}

TEST(PolicyLoader, RejectsAnItemWithoutADueRule) {
  EXPECT_THAT(
      LoadError({{"  due_from_session { anchor: SESSION_ANCHOR_START offset { "
                  "seconds: -86400 } }\n",
                  ""}}),
      StartsWith("test.textproto:12:1: item \"slides\" has no due rule; set "
                 "due_at"));
}

TEST(PolicyLoader, ListsEveryProblemOnItsOwnLine) {
  const std::string error =
      LoadError({{"America/Detroit", "Mars/Olympus_Mons"},
                 {"[\"ann\", \"bob\"]", "[\"ann\", \"zed\"]"}});
  EXPECT_THAT(error, HasSubstr("test.textproto:2:1: unknown time zone"));
  EXPECT_THAT(error, HasSubstr("\ntest.textproto:10:60: group \"ann-bob\" "
                               "lists member \"zed\""));
}

TEST(PolicyLoader, RejectsADueTimeThatDaylightSavingSkips) {
  EXPECT_THAT(
      LoadError({{"per_session {}\n", ""},
                 {"audience: AUDIENCE_SESSION_PRESENTERS",
                  "audience: AUDIENCE_EVERY_STUDENT"},
                 {"due_from_session { anchor: SESSION_ANCHOR_START offset { "
                  "seconds: -86400 } }",
                  "due_at { local_time: \"2024-03-10 02:30\" }"}}),
      HasSubstr("item \"slides\": 2024-03-10T02:30:00 does not exist in "
                "America/Detroit"));
}

TEST(PolicyLoader, RejectsAnUnknownZoneOnADueTime) {
  EXPECT_THAT(
      LoadError({{"per_session {}\n", ""},
                 {"audience: AUDIENCE_SESSION_PRESENTERS",
                  "audience: AUDIENCE_EVERY_STUDENT"},
                 {"due_from_session { anchor: SESSION_ANCHOR_START offset { "
                  "seconds: -86400 } }",
                  "due_at { local_time: \"2024-05-01 18:00\" time_zone: "
                  "\"Eastern\" }"}}),
      HasSubstr("item \"slides\": unknown time zone \"Eastern\""));
}

TEST(PolicyLoader, RejectsASessionAudienceOnAStandaloneItem) {
  EXPECT_THAT(LoadError({{"per_session {}\n", ""}}),
              HasSubstr("audience AUDIENCE_SESSION_PRESENTERS needs a "
                        "per-session template"));
}

TEST(PolicyLoader, RejectsAStudentInTwoProjectGroups) {
  EXPECT_THAT(LoadError({{"group_size",
                          "groups { group_id: \"p1\" kind: "
                          "GROUP_KIND_PROJECT member_ids: [\"ann\", "
                          "\"cat\"] }\n"
                          "groups { group_id: \"p2\" kind: "
                          "GROUP_KIND_PROJECT member_ids: [\"bob\", "
                          "\"cat\"] }\ngroup_size"}}),
              HasSubstr("\"cat\" is in project groups \"p1\" and \"p2\""));
}

TEST(PolicyLoader, RejectsAGradingComponentNamingAnUnknownItem) {
  EXPECT_THAT(LoadError({{"group_size",
                          "grading { component_id: \"x\" "
                          "weight_percent: 100 item_ids: "
                          "[\"slide\"] }\ngroup_size"}}),
              HasSubstr("grading component \"x\" names item \"slide\", which "
                        "is not defined in items"));
}

TEST(PolicyLoader, WarnsButLoadsWhenAGroupBreaksTheSizeRule) {
  auto course = LoadEdited({{"[\"ann\", \"bob\"]", "[\"ann\"]"}});
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_THAT((*course)->warnings(),
              ElementsAre("test.textproto:10:1: warning: group \"ann-bob\" "
                          "(ann-bob) has 1 member; groups should have 2-3"));
}

TEST(PolicyLoader, WarnsWhenGradingWeightsDoNotAddUpToOneHundred) {
  auto course = LoadEdited({{"group_size",
                             "grading { component_id: \"x\" "
                             "weight_percent: 90 }\ngroup_size"}});
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_THAT((*course)->warnings(),
              ElementsAre(HasSubstr("grading weights add up to 90%")));
}

TEST(PolicyLoader, ReportsAMissingFileByName) {
  auto course = LoadCourseFromFile("/nonexistent/course.textproto");
  EXPECT_EQ(course.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(course.status().message(),
              HasSubstr("/nonexistent/course.textproto"));
}

TEST(PolicyLoader, LoadsTheReferenceCourseWithItsTwoOneMemberGroupWarnings) {
  auto course = LoadCourseFromFile(ReferencePolicyPath());
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_EQ((*course)->id(), "eecs598-w24");
  EXPECT_THAT(
      (*course)->warnings(),
      ElementsAre(AllOf(StartsWith(ReferencePolicyPath() + ":"),
                        HasSubstr("group \"yuxuan\" (Yuxuan) has 1 member")),
                  HasSubstr("group \"luke\" (Luke) has 1 member")));
}

}  // namespace
}  // namespace handin::deadline
