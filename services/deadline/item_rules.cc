// The rule passes of CourseBuilder: the course's late-day budget, the items
// that spend it, and the content each item accepts.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/proto_time.h"
#include "services/deadline/course_builder.h"

namespace handin::deadline {
namespace {

constexpr absl::string_view kPdf = "application/pdf";
constexpr absl::string_view kZip = "application/zip";

// The media types intake can recognise by content (services/inspect).
const absl::flat_hash_set<std::string>& KnownMediaTypes() {
  static const auto* known = new absl::flat_hash_set<std::string>{
      std::string(kPdf),
      std::string(kZip),
      "text/plain",
      "application/"
      "vnd.openxmlformats-officedocument.presentationml.presentation",
      "application/"
      "vnd.openxmlformats-officedocument.wordprocessingml.document",
  };
  return *known;
}

bool Accepts(const v1::ContentRule& content, absl::string_view type) {
  for (const std::string& t : content.media_types()) {
    if (t == type) return true;
  }
  return false;
}

}  // namespace

void CourseBuilder::CheckLateDayBudget() {
  const v1::LateDayBudget& budget = policy_.late_days();
  if (budget.days() < 0) {
    Error({{"late_days"}, {"days"}},
          "late_days.days must not be negative (0 means no budget)");
  }
  if (budget.has_day_length()) {
    const absl::Duration length = FromProtoDuration(budget.day_length());
    if (length <= absl::ZeroDuration()) {
      Error({{"late_days"}, {"day_length"}},
            "late_days.day_length must be positive (unset means 24 h)");
    } else {
      course_.late_day_length_ = length;
    }
  }
}

void CourseBuilder::CheckLateDaysUse(const v1::LateRule& late, int i,
                                     absl::string_view label) {
  if (late.rule_case() != v1::LateRule::kLateDays) return;
  if (late.late_days().max_days_per_item() < 0) {
    Error({{"items", i}, {"late"}},
          absl::StrCat(label,
                       ": late_days.max_days_per_item must not be negative "
                       "(0 means no cap but the budget)"));
  }
  if (policy_.late_days().days() <= 0) {
    Error({{"items", i}, {"late"}},
          absl::StrCat(label,
                       " spends late days, but the course has no budget; "
                       "set late_days { days: N } at the top level"));
  }
}

void CourseBuilder::CheckContent(const v1::Item& item, int i,
                                 absl::string_view label) {
  if (!item.has_content()) return;
  const v1::ContentRule& content = item.content();
  for (int t = 0; t < content.media_types_size(); ++t) {
    if (!KnownMediaTypes().contains(content.media_types(t))) {
      std::vector<std::string> known(KnownMediaTypes().begin(),
                                     KnownMediaTypes().end());
      std::sort(known.begin(), known.end());
      Error({{"items", i}, {"content"}, {"media_types", t}},
            absl::StrCat(label, ": media type \"", content.media_types(t),
                         "\" cannot be recognised by content; use one of ",
                         absl::StrJoin(known, ", ")));
    }
  }
  if (content.max_size_bytes() < 0) {
    Error({{"items", i}, {"content"}, {"max_size_bytes"}},
          absl::StrCat(label, ": max_size_bytes must not be negative"));
  }
  const bool any_type = content.media_types().empty();
  if (content.min_pages() < 0 || content.max_pages() < 0 ||
      (content.max_pages() > 0 && content.max_pages() < content.min_pages())) {
    Error({{"items", i}, {"content"}},
          absl::StrCat(label, ": page limits must satisfy 0 <= min_pages <= ",
                       "max_pages (0 means no bound)"));
  }
  if ((content.min_pages() > 0 || content.max_pages() > 0) && !any_type &&
      !Accepts(content, kPdf)) {
    Error({{"items", i}, {"content"}},
          absl::StrCat(label,
                       ": page limits apply to PDFs, but the item does not "
                       "accept application/pdf"));
  }
  if ((content.require_readme() || content.required_files_size() > 0) &&
      !any_type && !Accepts(content, kZip)) {
    Error({{"items", i}, {"content"}},
          absl::StrCat(label,
                       ": required archive files apply to zip files, but "
                       "the item does not accept application/zip"));
  }
  for (int f = 0; f < content.required_files_size(); ++f) {
    const std::string& path = content.required_files(f);
    if (path.empty() || path.front() == '/' || absl::StrContains(path, "..")) {
      Error({{"items", i}, {"content"}, {"required_files", f}},
            absl::StrCat(label, ": required file \"", path,
                         "\" must be a relative path inside the archive"));
    }
  }
}

}  // namespace handin::deadline
