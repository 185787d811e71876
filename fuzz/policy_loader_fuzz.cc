// Fuzzes the course policy loader: any text, valid or not, must load or be
// refused with InvalidArgument, never crash, leak or hit undefined
// behaviour. A course that loads is then judged at instants around each of
// its items' due times, since its times and durations come from the text.
//
// Input: a CoursePolicy in protobuf text format (corpus/policy_loader/).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/deadline/policy_loader.h"

namespace {

using ::handin::deadline::Course;

// Judges at most this many items, so one input stays fast.
constexpr size_t kMaxItemsJudged = 8;

void JudgeAroundDue(const Course& course) {
  const auto& students = course.policy().roster().students();
  const std::string principal =
      students.empty() ? "nobody" : students[0].user_id();
  size_t judged = 0;
  for (const auto& item : course.items()) {
    if (++judged > kMaxItemsJudged) break;
    for (absl::Duration offset :
         {absl::ZeroDuration(), absl::Minutes(1), absl::Hours(25),
          absl::Hours(24 * 40), -absl::Hours(24 * 40)}) {
      const absl::Time started = item.due_at + offset;
      (void)course.Evaluate(principal, item.id, started,
                            started + absl::Minutes(3));
      (void)course.Evaluate(principal, item.id, started, std::nullopt);
    }
    (void)course.SubmitterUnit(principal, item);
    (void)course.Owes(principal, item);
  }
  (void)course.ListItems(principal);
  (void)course.ListItems("");
  (void)course.LateDaysFor(absl::Hours(49));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::unique_ptr<Course>> course =
      handin::deadline::LoadCourseFromString(text, "fuzz.textproto");
  if (!course.ok()) {
    // The contract: every refusal is InvalidArgument.
    if (course.status().code() != absl::StatusCode::kInvalidArgument) {
      std::abort();
    }
    return 0;
  }
  JudgeAroundDue(**course);
  return 0;
}
