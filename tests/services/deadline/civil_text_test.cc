#include "services/deadline/civil_text.h"

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::deadline::testing::Utc;
using ::testing::HasSubstr;

TEST(ParseCivilDate, AcceptsARealDate) {
  auto day = ParseCivilDate("2024-03-19");
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, absl::CivilDay(2024, 3, 19));
}

TEST(ParseCivilDate, RejectsDatesThatDoNotExistOrAreMisshapen) {
  for (const char* text : {"2024-02-30", "2023-02-29", "2024-3-19",
                           "2024/03/19", "2024-03-19 ", "", "Mar 19"}) {
    auto day = ParseCivilDate(text);
    EXPECT_FALSE(day.ok()) << text;
    EXPECT_THAT(day.status().message(), HasSubstr("YYYY-MM-DD")) << text;
  }
  EXPECT_TRUE(ParseCivilDate("2024-02-29").ok()) << "2024 is a leap year";
}

TEST(ParseTimeOfDay, AcceptsHoursMinutesAndOptionalSeconds) {
  EXPECT_EQ(*ParseTimeOfDay("10:30"), absl::Hours(10) + absl::Minutes(30));
  EXPECT_EQ(*ParseTimeOfDay("23:59:59"), absl::Hours(24) - absl::Seconds(1));
  for (const char* text : {"24:00", "10:60", "9:30", "10:30:60", "10.30"}) {
    EXPECT_FALSE(ParseTimeOfDay(text).ok()) << text;
  }
}

TEST(ParseCivilDateTime, NeedsADateASpaceAndATime) {
  EXPECT_EQ(*ParseCivilDateTime("2024-05-01 18:00"),
            absl::CivilSecond(2024, 5, 1, 18, 0, 0));
  EXPECT_EQ(*ParseCivilDateTime("2024-01-23 23:59:59"),
            absl::CivilSecond(2024, 1, 23, 23, 59, 59));
  EXPECT_FALSE(ParseCivilDateTime("2024-05-01T18:00").ok());
  EXPECT_FALSE(ParseCivilDateTime("2024-05-01").ok());
}

TEST(ResolveCivil,
     RefusesATimeSkippedByDaylightSavingAndTakesTheFirstOfARepeatedOne) {
  absl::TimeZone detroit;
  ASSERT_TRUE(absl::LoadTimeZone("America/Detroit", &detroit));
  auto skipped =
      ResolveCivil(absl::CivilSecond(2024, 3, 10, 2, 30, 0), detroit);
  EXPECT_FALSE(skipped.ok());
  EXPECT_THAT(skipped.status().message(), HasSubstr("does not exist"));

  bool repeated = false;
  auto twice = ResolveCivil(absl::CivilSecond(2024, 11, 3, 1, 30, 0), detroit,
                            &repeated);
  ASSERT_TRUE(twice.ok());
  EXPECT_TRUE(repeated);
  EXPECT_EQ(*twice, Utc(2024, 11, 3, 5, 30)) << "01:30 EDT, not 01:30 EST";
}

TEST(FormatLocal, ShowsTheZoneAbbreviationAndSecondsOnlyWhenNonZero) {
  absl::TimeZone detroit;
  ASSERT_TRUE(absl::LoadTimeZone("America/Detroit", &detroit));
  EXPECT_EQ(FormatLocal(Utc(2024, 3, 18, 14, 41), detroit),
            "2024-03-18 10:41 EDT");
  EXPECT_EQ(FormatLocal(Utc(2024, 1, 24, 15, 30, 1), detroit),
            "2024-01-24 10:30:01 EST");
}

TEST(HumanDuration, SpellsOutEveryNonZeroUnit) {
  EXPECT_EQ(HumanDuration(absl::Seconds(1)), "1 second");
  EXPECT_EQ(HumanDuration(absl::Minutes(11)), "11 minutes");
  EXPECT_EQ(HumanDuration(absl::Hours(26) + absl::Minutes(1)),
            "1 day 2 hours 1 minute");
  EXPECT_EQ(HumanDuration(-absl::Minutes(5) - absl::Seconds(2)),
            "5 minutes 2 seconds");
  EXPECT_EQ(HumanDuration(absl::Milliseconds(300)), "less than a second");
}

TEST(ShortDuration, UsesHoursUpToTwoDays) {
  EXPECT_EQ(ShortDuration(absl::Hours(-24)), "24 h");
  EXPECT_EQ(ShortDuration(absl::Minutes(90)), "1 h 30 min");
  EXPECT_EQ(ShortDuration(absl::Hours(72)), "3 d");
}

TEST(ShortDate, WritesTheDateTheWayTheScheduleDoes) {
  EXPECT_EQ(ShortDate(absl::CivilDay(2024, 3, 19)), "Mar 19");
  EXPECT_EQ(ShortDate(absl::CivilDay(2024, 2, 1)), "Feb 1");
}

}  // namespace
}  // namespace handin::deadline
