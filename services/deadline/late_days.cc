#include "services/deadline/late_days.h"

#include <string>
#include <vector>

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;

bool Counts(const PastSubmission& s) {
  return s.kind == VERDICT_KIND_ON_TIME || s.kind == VERDICT_KIND_LATE_COUNTED;
}

// Index of the greatest (latest) or least (first) submission id among those
// `accept` takes; -1 if none.
template <typename Accept>
int Extreme(absl::Span<const PastSubmission> submissions, bool latest,
            Accept accept) {
  int best = -1;
  for (int i = 0; i < static_cast<int>(submissions.size()); ++i) {
    if (!accept(submissions[i])) continue;
    if (best < 0 ||
        (latest ? submissions[i].submission_id > submissions[best].submission_id
                : submissions[i].submission_id <
                      submissions[best].submission_id)) {
      best = i;
    }
  }
  return best;
}

}  // namespace

int ChooseCounted(const ConcreteItem& item,
                  absl::Span<const PastSubmission> submissions) {
  switch (item.counted_version) {
    case v1::COUNTED_VERSION_FIRST:
      return Extreme(submissions, /*latest=*/false, Counts);
    case v1::COUNTED_VERSION_LATEST_ON_TIME: {
      const int on_time =
          Extreme(submissions, /*latest=*/true, [](const PastSubmission& s) {
            return s.kind == VERDICT_KIND_ON_TIME;
          });
      return on_time >= 0 ? on_time
                          : Extreme(submissions, /*latest=*/true, Counts);
    }
    default:
      return Extreme(submissions, /*latest=*/true, Counts);
  }
}

LateDayLedger::LateDayLedger(const Course& course,
                             absl::Span<const PastSubmission> own) {
  absl::flat_hash_map<std::string, std::vector<PastSubmission>> by_item;
  for (const PastSubmission& s : own) {
    const ConcreteItem* item = course.FindItem(s.item_id);
    if (item == nullptr || item->late_kind != LateKind::kLateDays) continue;
    by_item[s.item_id].push_back(s);
  }
  for (const auto& [item_id, submissions] : by_item) {
    const int counted = ChooseCounted(*course.FindItem(item_id), submissions);
    if (counted < 0 || submissions[counted].kind != VERDICT_KIND_LATE_COUNTED) {
      continue;
    }
    const int days = course.LateDaysFor(submissions[counted].lateness);
    charged_[item_id] = days;
    spent_ += days;
  }
}

int LateDayLedger::SpentExcept(absl::string_view item_id) const {
  auto it = charged_.find(item_id);
  return it == charged_.end() ? spent_ : spent_ - it->second;
}

}  // namespace handin::deadline
