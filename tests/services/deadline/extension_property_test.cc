// Properties of extensions over generated cases (seeded, so a failure
// reproduces): granting an extension, to the student or to a group of
// theirs, to any due instant later than the item's own, never worsens a
// verdict. Run over the reference course and over a variant that uses every
// late rule. (Revoking is a storage round trip; extension_service_test.cc
// checks that the verdict then comes back.)

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/extensions.h"
#include "services/deadline/policy.h"
#include "tests/services/deadline/upload_generator.h"

namespace handin::deadline {
namespace {

using ::handin::deadline::testing::LoadCourse;
using ::handin::deadline::testing::Rank;
using ::handin::deadline::testing::Upload;
using ::handin::deadline::testing::UploadGenerator;

constexpr int kCases = 4000;

// Judges `u` under whichever of `granted` applies (ChooseExtension), as
// the service does with the extensions storage holds.
Verdict Judge(const Course& course, const Upload& u,
              const std::vector<Extension>& granted) {
  const Extension* extension =
      ChooseExtension(course, u.principal, u.item->id, granted);
  auto v = course.Evaluate(u.principal, u.item->id, u.started, u.completed(),
                           extension);
  EXPECT_TRUE(v.ok()) << u.Describe() << ": " << v.status();
  return v.ok() ? *v : Verdict{};
}

std::string Describe(const Verdict& v) {
  return absl::StrCat(v.kind, " ", v.penalty_percent, "% \"", v.reason, "\"");
}

class ExtensionProperty : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    course_ = LoadCourse(GetParam());
    ASSERT_NE(course_, nullptr);
  }

  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  // An extension of `u`'s item to 1 s .. 8 days after its own due instant,
  // granted to the uploader or to one of their groups.
  Extension Grant(const Upload& u) {
    Extension e;
    e.item_id = u.item->id;
    std::vector<std::string> groups = GroupsOf(*course_, u.principal);
    const int64_t pick = Uniform(0, static_cast<int64_t>(groups.size()));
    e.principal = pick == 0 ? u.principal : groups[pick - 1];
    e.due_at = u.item->due_at + (Uniform(0, 1) == 0
                                     ? absl::Seconds(Uniform(1, 120))
                                     : absl::Seconds(Uniform(1, 8 * 86400)));
    e.granted_by = "mosharaf";
    e.reason = "property test";
    return e;
  }

  // Extensions that never apply to `u`: another item's, another
  // student's.
  std::vector<Extension> Unrelated(const Upload& u) {
    std::vector<Extension> out;
    for (const ConcreteItem& item : course_->items()) {
      if (item.id == u.item->id) continue;
      out.push_back({item.id, u.principal, item.due_at + absl::Hours(48),
                     "mosharaf", "other item"});
      break;
    }
    for (const v1::Student& s : course_->policy().roster().students()) {
      if (s.user_id() == u.principal) continue;
      out.push_back({u.item->id, s.user_id(), u.item->due_at + absl::Hours(48),
                     "mosharaf", "other student"});
      break;
    }
    return out;
  }

  std::unique_ptr<Course> course_;
  std::mt19937 rng_{20240402};
};

TEST_P(ExtensionProperty, GrantingAnExtensionNeverWorsensAVerdict) {
  UploadGenerator gen(*course_, 598);
  int better = 0;
  for (int i = 0; i < kCases; ++i) {
    const Upload u = gen.Next();
    std::vector<Extension> granted = Unrelated(u);
    const Verdict before = Judge(*course_, u, granted);
    const Extension grant = Grant(u);
    granted.push_back(grant);
    const Verdict after = Judge(*course_, u, granted);
    ASSERT_LE(Rank(after), Rank(before))
        << u.Describe() << "\nextended to " << grant.principal << " until "
        << absl::FormatTime(grant.due_at, absl::UTCTimeZone())
        << "\nwithout: " << Describe(before) << "\nwith: " << Describe(after);
    ASSERT_GE(after.due_at, before.due_at) << u.Describe();
    better += Rank(after) < Rank(before);
  }
  // The extensions must turn some verdicts, or the property says nothing.
  EXPECT_GT(better, kCases / 10);
}

INSTANTIATE_TEST_SUITE_P(ReferenceAndEveryLateRule, ExtensionProperty,
                         ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "EveryLateRule" : "Reference";
                         });

}  // namespace
}  // namespace handin::deadline
