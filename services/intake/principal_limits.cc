#include "services/intake/principal_limits.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace handin::intake {
namespace {

constexpr absl::Duration kRefusalWindow = absl::Minutes(1);

}  // namespace

PrincipalLimits::PrincipalLimits(Options options, const Clock& clock)
    : options_(options), clock_(clock) {}

absl::Status PrincipalLimits::Admit(const std::string& principal) {
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  Usage& usage = usage_[principal];
  while (!usage.refusals.empty() &&
         usage.refusals.front() <= now - kRefusalWindow) {
    usage.refusals.pop_front();
  }
  if (usage.open >= options_.max_open_uploads) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "you have ", usage.open, " uploads in progress; at most ",
        options_.max_open_uploads, " at once: wait for one to finish"));
  }
  if (static_cast<int>(usage.refusals.size()) >=
      options_.max_refusals_per_minute) {
    const absl::Duration wait =
        std::max(absl::Seconds(1),
                 absl::Ceil(usage.refusals.front() + kRefusalWindow - now,
                            absl::Seconds(1)));
    return absl::ResourceExhaustedError(absl::StrCat(
        usage.refusals.size(),
        " of your uploads were refused in the last "
        "minute; check the reasons with `handin status` and try again in ",
        absl::FormatDuration(wait)));
  }
  ++usage.open;
  return absl::OkStatus();
}

void PrincipalLimits::Release(const std::string& principal) {
  absl::MutexLock lock(&mu_);
  const auto found = usage_.find(principal);
  if (found == usage_.end()) return;
  Usage& usage = found->second;
  usage.open = std::max(0, usage.open - 1);
  if (usage.open == 0 && usage.refusals.empty()) usage_.erase(found);
}

void PrincipalLimits::NoteRefusal(const std::string& principal) {
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  std::deque<absl::Time>& refusals = usage_[principal].refusals;
  refusals.push_back(now);
  while (static_cast<int>(refusals.size()) >
         std::max(1, options_.max_refusals_per_minute)) {
    refusals.pop_front();
  }
}

}  // namespace handin::intake
