// A penalty of 10% per started 24 h across the two 2024 daylight-saving
// changes in Detroit, against instants worked out by hand in UTC.
//
// Semantics (policy.proto, PercentPerPeriod.period): a period is elapsed
// real time, so the first 24 h period after a due instant of Sat 2024-03-09
// 12:00 EST (17:00 UTC) ends Sun 2024-03-10 13:00 EDT (17:00 UTC), not at
// 12:00 EDT: the 23-hour civil day is not a whole day of lateness. Likewise
// the first period after Sat 2024-11-02 12:00 EDT (16:00 UTC) ends Sun
// 2024-11-03 11:00 EST (16:00 UTC), inside the 25-hour civil day.

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/deadline/policy.h"
#include "services/deadline/policy_loader.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VerdictKind;
using ::handin::deadline::testing::kMinimalPolicy;
using ::handin::deadline::testing::Utc;

// kMinimalPolicy plus "essay", due at `due_local` in Detroit, losing 10%
// per started 24 h.
std::unique_ptr<Course> EssayDue(absl::string_view due_local) {
  const std::string policy = absl::StrCat(kMinimalPolicy, R"(
items {
  item_id: "essay"
  audience: AUDIENCE_EVERY_STUDENT
  due_at { local_time: ")",
                                          due_local, R"(" }
  late { percent_per_period { percent: 10 period { seconds: 86400 } } }
}
)");
  auto course = LoadCourseFromString(policy, "essay.textproto");
  EXPECT_TRUE(course.ok()) << course.status();
  return course.ok() ? *std::move(course) : nullptr;
}

struct Case {
  const char* what;
  absl::Time started;  // By hand, in UTC.
  VerdictKind kind;
  double penalty;
  absl::Duration lateness;
};

void Check(const Course& course, const Case& c) {
  SCOPED_TRACE(c.what);
  auto v = course.Evaluate("ann", "essay", c.started, std::nullopt);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->kind, c.kind) << v->reason;
  EXPECT_EQ(v->penalty_percent, c.penalty) << v->reason;
  EXPECT_EQ(v->lateness, c.lateness) << v->reason;
}

TEST(DstPenalty, TheShortMarchDayIsNotAWholeDayOfLateness) {
  std::unique_ptr<Course> course = EssayDue("2024-03-09 12:00");
  ASSERT_NE(course, nullptr);
  ASSERT_EQ(course->FindItem("essay")->due_at, Utc(2024, 3, 9, 17, 0));
  const Case cases[] = {
      {"at the due instant", Utc(2024, 3, 9, 17, 0), VERDICT_KIND_ON_TIME, 0,
       absl::ZeroDuration()},
      {"a second late", Utc(2024, 3, 9, 17, 0, 1), VERDICT_KIND_LATE_COUNTED,
       10, absl::Seconds(1)},
      {"Sun 12:00 EDT, same wall time, 23 h", Utc(2024, 3, 10, 16, 0),
       VERDICT_KIND_LATE_COUNTED, 10, absl::Hours(23)},
      {"Sun 12:30 EDT, 23.5 h (a civil-day count would say 20%)",
       Utc(2024, 3, 10, 16, 30), VERDICT_KIND_LATE_COUNTED, 10,
       absl::Minutes(23 * 60 + 30)},
      {"Sun 13:00 EDT, exactly 24 h", Utc(2024, 3, 10, 17, 0),
       VERDICT_KIND_LATE_COUNTED, 10, absl::Hours(24)},
      {"Sun 13:00:01 EDT, the second period starts", Utc(2024, 3, 10, 17, 0, 1),
       VERDICT_KIND_LATE_COUNTED, 20, absl::Hours(24) + absl::Seconds(1)},
      {"Mon 13:00 EDT, exactly 48 h", Utc(2024, 3, 11, 17, 0),
       VERDICT_KIND_LATE_COUNTED, 20, absl::Hours(48)},
  };
  for (const Case& c : cases) Check(*course, c);

  auto v =
      course->Evaluate("ann", "essay", Utc(2024, 3, 10, 16, 30), std::nullopt);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->reason,
            "due 2024-03-09 12:00 EST; started 2024-03-10 12:30 EDT: 23 hours "
            "30 minutes late; late submissions lose 10% per started 24 h: 10% "
            "deducted");
}

TEST(DstPenalty, TheLongNovemberDayHasAWholeDayOfLatenessBeforeItsWallTime) {
  std::unique_ptr<Course> course = EssayDue("2024-11-02 12:00");
  ASSERT_NE(course, nullptr);
  ASSERT_EQ(course->FindItem("essay")->due_at, Utc(2024, 11, 2, 16, 0));
  const Case cases[] = {
      {"Sun 11:00 EST, exactly 24 h", Utc(2024, 11, 3, 16, 0),
       VERDICT_KIND_LATE_COUNTED, 10, absl::Hours(24)},
      {"Sun 11:30 EST, 24.5 h (a civil-day count would say 10%)",
       Utc(2024, 11, 3, 16, 30), VERDICT_KIND_LATE_COUNTED, 20,
       absl::Minutes(24 * 60 + 30)},
      {"Sun 12:00 EST, same wall time, 25 h", Utc(2024, 11, 3, 17, 0),
       VERDICT_KIND_LATE_COUNTED, 20, absl::Hours(25)},
  };
  for (const Case& c : cases) Check(*course, c);
}

}  // namespace
}  // namespace handin::deadline
