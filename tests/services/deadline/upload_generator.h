#ifndef HANDIN_TESTS_SERVICES_DEADLINE_UPLOAD_GENERATOR_H_
#define HANDIN_TESTS_SERVICES_DEADLINE_UPLOAD_GENERATOR_H_

// Generated uploads for property tests over the reference course: a
// variant of the course that uses every late rule, and a seeded generator
// of (principal, item, start, duration) near the edges of the rules.

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/tls.h"
#include "gtest/gtest.h"
#include "services/deadline/policy.h"
#include "services/deadline/policy_loader.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline::testing {

// Loads the reference course or, if `every_late_rule`, a variant where
// slides lose 10% per started day (at most 50%) after 15 minutes' grace,
// summaries close hard, questions lose 25% per started hour (not counted
// from the 4th), the report loses 33.3% per started day (not counted from
// the 4th) after 10 minutes' grace, and the code closes hard after 5
// minutes' grace. Other items keep their rules.
inline std::unique_ptr<Course> LoadCourse(bool every_late_rule) {
  auto text = ReadFileToString(ReferencePolicyPath());
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return nullptr;
  auto policy = ParseCoursePolicy(*text, ReferencePolicyPath());
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return nullptr;
  if (every_late_rule) {
    for (v1::Item& item : *policy->mutable_items()) {
      auto percent = [&item](double pct, int64_t period, double max) {
        v1::PercentPerPeriod& p =
            *item.mutable_late()->mutable_percent_per_period();
        p.set_percent(pct);
        p.mutable_period()->set_seconds(period);
        p.set_max_percent(max);
      };
      if (item.item_id() == "slides") {
        percent(10, 86400, 50);
        item.mutable_grace()->set_seconds(900);
      } else if (item.item_id() == "summary") {
        item.mutable_late()->mutable_hard_close();
      } else if (item.item_id() == "question") {
        percent(25, 3600, 0);
      } else if (item.item_id() == "project-report") {
        percent(33.3, 86400, 0);
        item.mutable_grace()->set_seconds(600);
      } else if (item.item_id() == "project-code") {
        item.mutable_late()->mutable_hard_close();
        item.mutable_grace()->set_seconds(300);
      }
    }
  }
  auto course = Course::Create(*std::move(policy));
  EXPECT_TRUE(course.ok()) << course.status();
  return course.ok() ? *std::move(course) : nullptr;
}

// Lower is better: ON_TIME, then LATE_COUNTED by penalty, then
// LATE_NOT_COUNTED, then REFUSED.
inline std::pair<int, double> Rank(const Verdict& v) {
  switch (v.kind) {
    case common::v1::VERDICT_KIND_ON_TIME:
      return {0, 0};
    case common::v1::VERDICT_KIND_LATE_COUNTED:
      return {1, v.penalty_percent};
    case common::v1::VERDICT_KIND_LATE_NOT_COUNTED:
      return {2, 0};
    case common::v1::VERDICT_KIND_REFUSED:
      return {3, 0};
    default:
      ADD_FAILURE() << "unexpected verdict kind " << v.kind;
      return {4, 0};
  }
}

// One upload: who, what, when it started, how long it took (none: a
// pre-check).
struct Upload {
  std::string principal;
  const ConcreteItem* item = nullptr;
  absl::Time started;
  std::optional<absl::Duration> took;

  std::optional<absl::Time> completed() const {
    if (!took.has_value()) return std::nullopt;
    return started + *took;
  }
  std::string Describe() const {
    // In UTC: absl::FormatTime(t) alone would use the local zone.
    return absl::StrCat(
        principal, " ", item->id, " started ",
        absl::FormatTime(absl::RFC3339_full, started, absl::UTCTimeZone()),
        " took ", took ? absl::FormatDuration(*took) : "-");
  }
};

// Generates uploads of items by students who owe them, at instants spread
// around each item's due instant, with extra weight near the edges (due,
// due + grace, whole penalty periods) where off-by-one bugs live.
class UploadGenerator {
 public:
  UploadGenerator(const Course& course, uint32_t seed) : rng_(seed) {
    for (const v1::Student& s : course.policy().roster().students()) {
      for (const ConcreteItem& item : course.items()) {
        if (course.Owes(s.user_id(), item))
          owed_.emplace_back(s.user_id(), &item);
      }
    }
    EXPECT_GT(owed_.size(), 100u);
  }

  Upload Next() {
    Upload u;
    const auto& [principal, item] = owed_[Uniform(0, owed_.size() - 1)];
    u.principal = principal;
    u.item = item;
    u.started = item->due_at + Offset(*item);
    if (Uniform(0, 3) > 0) u.took = Duration();
    return u;
  }

  // A non-negative step: zero, a second, a few minutes, or days.
  absl::Duration Step() {
    switch (Uniform(0, 3)) {
      case 0:
        return absl::ZeroDuration();
      case 1:
        return absl::Seconds(Uniform(1, 2));
      case 2:
        return absl::Seconds(Uniform(1, 3600));
      default:
        return absl::Seconds(Uniform(1, 6 * 86400));
    }
  }

  absl::Duration Duration() {
    // Mostly within the 30-minute window, sometimes just past or far past.
    switch (Uniform(0, 2)) {
      case 0:
        return absl::Seconds(Uniform(0, 1800));
      case 1:
        return absl::Seconds(Uniform(1795, 1805));
      default:
        return absl::Seconds(Uniform(0, 3 * 86400));
    }
  }

 private:
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  absl::Duration Offset(const ConcreteItem& item) {
    const absl::Duration jitter =
        absl::Seconds(Uniform(-3, 3)) + absl::Milliseconds(Uniform(0, 999));
    switch (Uniform(0, 3)) {
      case 0:
        return jitter;
      case 1:
        return item.grace + jitter;
      case 2:
        return (item.penalty_period > absl::ZeroDuration()
                    ? item.penalty_period * Uniform(1, 5)
                    : absl::Hours(24 * Uniform(1, 5))) +
               jitter;
      default:
        return absl::Seconds(Uniform(-3 * 86400, 8 * 86400));
    }
  }

  std::mt19937 rng_;
  std::vector<std::pair<std::string, const ConcreteItem*>> owed_;
};

}  // namespace handin::deadline::testing

#endif  // HANDIN_TESTS_SERVICES_DEADLINE_UPLOAD_GENERATOR_H_
