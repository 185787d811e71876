// Properties of verdicts over generated cases (seeded, so a failure
// reproduces): an upload that starts or finishes later is never judged
// better. Run over the reference course and over a variant of it that uses
// every late rule.

#include <set>
#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/policy.h"
#include "tests/services/deadline/upload_generator.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::common::v1::VerdictKind;
using ::handin::deadline::testing::LoadCourse;
using ::handin::deadline::testing::Rank;
using ::handin::deadline::testing::Upload;
using ::handin::deadline::testing::UploadGenerator;

constexpr int kCases = 4000;

Verdict Judge(const Course& course, const Upload& u) {
  auto v = course.Evaluate(u.principal, u.item->id, u.started, u.completed());
  EXPECT_TRUE(v.ok()) << u.Describe() << ": " << v.status();
  return v.ok() ? *v : Verdict{};
}

class VerdictProperty : public ::testing::TestWithParam<bool> {};

TEST_P(VerdictProperty, StartingLaterNeverGetsABetterVerdict) {
  std::unique_ptr<Course> course = LoadCourse(GetParam());
  ASSERT_NE(course, nullptr);
  UploadGenerator gen(*course, 20240318);
  int worse = 0;
  for (int i = 0; i < kCases; ++i) {
    const Upload early = gen.Next();
    Upload later = early;
    later.started += gen.Step();
    const auto a = Rank(Judge(*course, early));
    const auto b = Rank(Judge(*course, later));
    ASSERT_LE(a, b) << "earlier: " << early.Describe()
                    << "\nlater: " << later.Describe();
    worse += a < b;
  }
  // The generator must reach the edges, or the property says nothing.
  EXPECT_GT(worse, kCases / 20);
}

TEST_P(VerdictProperty, FinishingLaterNeverGetsABetterVerdict) {
  std::unique_ptr<Course> course = LoadCourse(GetParam());
  ASSERT_NE(course, nullptr);
  UploadGenerator gen(*course, 20240501);
  int worse = 0;
  for (int i = 0; i < kCases; ++i) {
    Upload quick = gen.Next();
    if (!quick.took.has_value()) quick.took = absl::ZeroDuration();
    Upload slow = quick;
    *slow.took += gen.Step();
    const auto a = Rank(Judge(*course, quick));
    const auto b = Rank(Judge(*course, slow));
    ASSERT_LE(a, b) << "quick: " << quick.Describe()
                    << "\nslow: " << slow.Describe();
    worse += a < b;
  }
  EXPECT_GT(worse, kCases / 40);
}

TEST_P(VerdictProperty, EveryVerdictKindTheCourseCanGiveIsReached) {
  std::unique_ptr<Course> course = LoadCourse(GetParam());
  ASSERT_NE(course, nullptr);
  UploadGenerator gen(*course, 7);
  std::set<std::tuple<VerdictKind, bool>> seen;  // kind, penalised
  for (int i = 0; i < kCases; ++i) {
    const Verdict v = Judge(*course, gen.Next());
    seen.emplace(v.kind, v.penalty_percent > 0);
  }
  EXPECT_TRUE(seen.count({VERDICT_KIND_ON_TIME, false}));
  EXPECT_TRUE(seen.count({VERDICT_KIND_LATE_COUNTED, false}));
  EXPECT_TRUE(seen.count({VERDICT_KIND_LATE_NOT_COUNTED, false}));
  if (GetParam()) {
    EXPECT_TRUE(seen.count({VERDICT_KIND_LATE_COUNTED, true}));
    EXPECT_TRUE(seen.count({VERDICT_KIND_REFUSED, false}));
  }
}

INSTANTIATE_TEST_SUITE_P(ReferenceAndEveryLateRule, VerdictProperty,
                         ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "EveryLateRule" : "Reference";
                         });

}  // namespace
}  // namespace handin::deadline
