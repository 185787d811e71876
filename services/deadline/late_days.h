#ifndef HANDIN_SERVICES_DEADLINE_LATE_DAYS_H_
#define HANDIN_SERVICES_DEADLINE_LATE_DAYS_H_

// What a principal's past submissions mean under the policy: which one of
// an item is graded (Item.counted_version), and how many late days a
// student has spent. Pure like Course: the submissions themselves live in
// the storage service.

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "handin/common/v1/common.pb.h"
#include "services/deadline/policy.h"

namespace handin::deadline {

// A stored submission as the policy needs to see it.
struct PastSubmission {
  // Storage's id; ids sort in commit order, which is "upload order" here.
  std::string submission_id;
  std::string item_id;
  // The student who uploaded it.
  std::string principal;
  // The verdict it got when it was committed.
  handin::common::v1::VerdictKind kind =
      handin::common::v1::VERDICT_KIND_UNSPECIFIED;
  absl::Duration lateness;
};

// Returns the index in `submissions` of the one that counts for `item`
// under its counted_version, or -1 if none does. `submissions` are one
// unit's (Course::SubmitterUnit) submissions of `item`, in any order; only
// ON_TIME and LATE_COUNTED ones are candidates:
//   LATEST          the candidate with the greatest submission id;
//   LATEST_ON_TIME  the greatest ON_TIME one, else the greatest candidate;
//   FIRST           the candidate with the least submission id.
int ChooseCounted(const ConcreteItem& item,
                  absl::Span<const PastSubmission> submissions);

// The late days one student has spent, item by item.
class LateDayLedger {
 public:
  // Charges, for each item of `course` whose late rule spends late days,
  // the version of it that counts among `own` (ChooseCounted over the
  // student's own submissions of the item) if it is LATE_COUNTED:
  // course.LateDaysFor(its lateness). `own` are the submissions the student
  // uploaded, any items, any order; submissions of unknown items are
  // ignored.
  LateDayLedger(const Course& course, absl::Span<const PastSubmission> own);

  // Days spent in all.
  int Spent() const { return spent_; }
  // Days spent on items other than `item_id`: what a new upload of
  // `item_id` must fit beside, since it would replace that item's charge.
  int SpentExcept(absl::string_view item_id) const;

 private:
  absl::flat_hash_map<std::string, int> charged_;
  int spent_ = 0;
};

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_LATE_DAYS_H_
