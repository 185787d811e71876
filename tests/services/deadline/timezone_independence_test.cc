// No verdict, due instant or sentence depends on the process's local time
// zone: the same courses are loaded and the same generated uploads judged
// under TZ=UTC, America/Detroit, Asia/Kolkata and Pacific/Chatham (UTC+12:45
// or +13:45), and everything must come out identical.

#include <time.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/calendar.h"
#include "services/deadline/deadlines.h"
#include "tests/services/deadline/test_util.h"
#include "tests/services/deadline/upload_generator.h"

namespace handin::deadline {
namespace {

using ::handin::deadline::testing::LoadCourse;
using ::handin::deadline::testing::Upload;
using ::handin::deadline::testing::UploadGenerator;
using ::handin::deadline::testing::Utc;

// Sets TZ (and tzset()s) for its lifetime, then restores what was there.
class ScopedTz {
 public:
  explicit ScopedTz(const char* zone) {
    if (const char* old = std::getenv("TZ"); old != nullptr) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTz() {
    if (old_.has_value()) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::optional<std::string> old_;
};

// The process's UTC offset at `t` as the C library sees it.
long LibcOffsetSeconds(absl::Time t) {
  const time_t secs = absl::ToTimeT(t);
  struct tm local;
  localtime_r(&secs, &local);
  return local.tm_gmtoff;
}

// Formats `t` to the nanosecond, in UTC whatever TZ says.
std::string InUtc(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

// Everything the engine says about a fixed set of uploads, and the
// principal-facing listings, as one text to compare.
std::string Transcript(bool every_late_rule) {
  std::unique_ptr<Course> course = LoadCourse(every_late_rule);
  if (course == nullptr) return "no course";
  std::string out;
  UploadGenerator gen(*course, 1500);
  for (int i = 0; i < 1500; ++i) {
    const Upload u = gen.Next();
    auto v =
        course->Evaluate(u.principal, u.item->id, u.started, u.completed());
    if (!v.ok()) return std::string(v.status().message());
    absl::StrAppend(&out, u.Describe(), " => ", v->kind, " ",
                    v->penalty_percent, " ", InUtc(v->due_at), " ",
                    InUtc(v->counted_at), " ",
                    absl::FormatDuration(v->lateness), " ", v->reason, "\n");
  }
  const absl::Time now = Utc(2024, 3, 10, 7, 30);  // 03:30 EDT, just after.
  for (const char* principal : {"jiaheng", "yuxuan", "luke"}) {
    auto owed = ListDeadlines(*course, principal, now);
    if (!owed.ok()) return std::string(owed.status().message());
    for (const OwedItem& o : *owed) {
      absl::StrAppend(&out, o.item->id, " ", o.item->due_text, " ",
                      o.item->rule_text, " ", absl::FormatDuration(o.time_left),
                      " ", o.verdict_now, " ", o.penalty_percent_now, "\n");
    }
    auto calendar = BuildCalendar(*course, principal, now);
    if (!calendar.ok()) return std::string(calendar.status().message());
    out += FormatCalendar(*calendar);
  }
  return out;
}

TEST(TimeZoneIndependence, VerdictsAreTheSameWhateverTheProcessZone) {
  for (bool every_late_rule : {false, true}) {
    SCOPED_TRACE(every_late_rule ? "every late rule" : "reference");
    std::string baseline;
    {
      ScopedTz tz("UTC");
      ASSERT_EQ(LibcOffsetSeconds(Utc(2024, 3, 18, 0, 0)), 0);
      baseline = Transcript(every_late_rule);
    }
    ASSERT_GT(baseline.size(), 100000u) << baseline;
    struct Zone {
      const char* tz;
      long offset_mar18;  // Checks the zone really changed.
    };
    for (const Zone& zone : {Zone{"America/Detroit", -4 * 3600},
                             Zone{"Asia/Kolkata", 5 * 3600 + 1800},
                             Zone{"Pacific/Chatham", 13 * 3600 + 45 * 60}}) {
      SCOPED_TRACE(zone.tz);
      ScopedTz tz(zone.tz);
      ASSERT_EQ(LibcOffsetSeconds(Utc(2024, 3, 18, 0, 0)), zone.offset_mar18)
          << "the C library did not switch to " << zone.tz
          << "; is tzdata installed?";
      const std::string transcript = Transcript(every_late_rule);
      if (transcript == baseline) continue;
      // Point at the first line that differs rather than dump both.
      const std::vector<std::string> got = absl::StrSplit(transcript, '\n');
      const std::vector<std::string> want = absl::StrSplit(baseline, '\n');
      size_t i = 0;
      while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
      ADD_FAILURE() << "line " << i + 1 << " under TZ=" << zone.tz << ":\n"
                    << (i < got.size() ? got[i] : "<end>")
                    << "\nunder TZ=UTC:\n"
                    << (i < want.size() ? want[i] : "<end>");
    }
  }
}

TEST(TimeZoneIndependence, TheScopedZoneIsRestored) {
  const char* before = std::getenv("TZ");
  const std::string saved = before == nullptr ? "<unset>" : before;
  { ScopedTz tz("Pacific/Chatham"); }
  const char* after = std::getenv("TZ");
  EXPECT_EQ(after == nullptr ? "<unset>" : after, saved);
}

}  // namespace
}  // namespace handin::deadline
