#ifndef HANDIN_TESTS_SERVICES_DEADLINE_TEST_UTIL_H_
#define HANDIN_TESTS_SERVICES_DEADLINE_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/deadline/policy.h"
#include "services/deadline/policy_loader.h"
#include "tests/testing/temp_dir.h"

namespace handin::deadline::testing {

// The reference course's real policy file.
inline std::string ReferencePolicyPath() {
  return handin::testing::SourceDir() + "/config/courses/eecs598-w24.textproto";
}

// Loads the reference course; fails the test (and returns null) if it does
// not load.
inline std::unique_ptr<Course> LoadReferenceCourse() {
  auto course = LoadCourseFromFile(ReferencePolicyPath());
  EXPECT_TRUE(course.ok()) << course.status();
  return course.ok() ? *std::move(course) : nullptr;
}

// A small valid policy. Tests edit it with absl::StrReplaceAll to make it
// invalid; line numbers are stable (each field on the line shown).
// clang-format off
inline constexpr char kMinimalPolicy[] = R"policy(course_id: "c1"
time_zone: "America/Detroit"
session_start_time: "10:30"
session_end_time: "12:00"
roster {
  students { user_id: "ann" display_name: "Ann" }
  students { user_id: "bob" display_name: "Bob" }
  students { user_id: "cat" display_name: "Cat" }
}
groups { group_id: "ann-bob" kind: GROUP_KIND_PRESENTATION member_ids: ["ann", "bob"] }
sessions { date: "2024-03-19" presenters { group_id: "ann-bob" } }
items {
  item_id: "slides"
  per_session {}
  audience: AUDIENCE_SESSION_PRESENTERS
  due_from_session { anchor: SESSION_ANCHOR_START offset { seconds: -86400 } }
}
group_size { min_members: 2 max_members: 3 }
)policy";
// clang-format on

// An instant written in UTC, as computed by hand.
inline absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

}  // namespace handin::deadline::testing

#endif  // HANDIN_TESTS_SERVICES_DEADLINE_TEST_UTIL_H_
