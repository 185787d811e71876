#include "services/inspect/inspector.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/inspect/archive_walk.h"
#include "services/inspect/byte_size.h"
#include "services/inspect/media_type.h"
#include "services/inspect/pdf_pages.h"

namespace handin::inspect {
namespace {

using deadline::v1::ContentRule;
using v1::InspectionReport;

// How many top-level names a missing-README refusal shows.
constexpr size_t kTopLevelShown = 5;

InspectionReport Refuse(InspectionReport report, absl::string_view why) {
  report.set_accepted(false);
  report.set_refusal(std::string(why));
  return report;
}

std::string Quoted(const std::vector<std::string>& names) {
  return absl::StrCat("'", absl::StrJoin(names, "', '"), "'");
}

std::string Pages(int count) {
  return absl::StrCat(count, count == 1 ? " page" : " pages");
}

// "" if `pages` is within the rule's bounds, else what is wrong.
std::string PageLimitProblem(int pages, const ContentRule& rule) {
  const int low = rule.min_pages();
  const int high = rule.max_pages();
  const bool too_few = low > 0 && pages < low;
  const bool too_many = high > 0 && pages > high;
  if (!too_few && !too_many) return "";
  const std::string found = absl::StrCat("has ", Pages(pages), "; ");
  if (low > 0 && high > 0) {
    return low == high
               ? absl::StrCat(found, "exactly ", Pages(low), " required")
               : absl::StrCat(found, low, " to ", Pages(high), " allowed");
  }
  return too_many ? absl::StrCat(found, "at most ", Pages(high), " allowed")
                  : absl::StrCat(found, "at least ", Pages(low), " required");
}

std::string ReadmeProblem(const ArchiveTree& tree) {
  if (tree.HasReadme()) return "";
  const std::string sole = tree.SoleTopDirectory();
  const std::string where =
      sole.empty() ? "at its root"
                   : absl::StrCat("at its root or in '", sole, "/'");
  const std::vector<std::string> top = tree.TopLevelSample(kTopLevelShown);
  return absl::StrCat(
      "the zip has no README ", where,
      " (a file named README or README.<ext>, any letter case); found at "
      "its root: ",
      top.empty() ? "nothing" : Quoted(top));
}

std::string MissingFilesProblem(const ArchiveTree& tree,
                                const ContentRule& rule) {
  const std::vector<std::string> missing = tree.Missing(
      {rule.required_files().begin(), rule.required_files().end()});
  if (missing.empty()) return "";
  return absl::StrCat("the zip lacks required ",
                      missing.size() == 1 ? "file " : "files ", Quoted(missing),
                      " (paths from its root or its sole top-level folder)");
}

absl::StatusOr<InspectionReport> InspectOrThrow(const std::string& path,
                                                const ContentRule& rule,
                                                const Limits& limits) {
  InspectionReport report;
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    const std::string why = std::strerror(errno);
    if (errno == ENOENT) return absl::NotFoundError(path + ": " + why);
    return absl::InternalError(absl::StrCat("cannot stat ", path, ": ", why));
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(path + " is not a regular file");
  }
  report.set_size_bytes(info.st_size);

  const int64_t max_bytes =
      rule.max_size_bytes() > 0
          ? std::min(rule.max_size_bytes(), limits.max_file_bytes)
          : limits.max_file_bytes;
  if (info.st_size > max_bytes) {
    return Refuse(
        std::move(report),
        absl::StrCat("this file is ", HumanBytes(info.st_size), "; at most ",
                     HumanBytes(max_bytes), " allowed"));
  }

  absl::StatusOr<MediaType> type = SniffMediaType(path, limits);
  if (!type.ok()) return type.status();
  report.set_media_type(type->name);
  const auto& accepted_types = rule.media_types();
  if (!accepted_types.empty() &&
      std::find(accepted_types.begin(), accepted_types.end(), type->name) ==
          accepted_types.end()) {
    std::vector<std::string> expected;
    for (const std::string& name : accepted_types) {
      expected.push_back(DescribeMediaType(name));
    }
    return Refuse(std::move(report),
                  absl::StrCat("must be ", absl::StrJoin(expected, " or "),
                               "; this file is ", DescribeMediaType(type->name),
                               type->detail.empty() ? "" : ": ", type->detail));
  }

  if (type->name == kPdf) {
    absl::StatusOr<int> pages = CountPdfPages(path);
    if (absl::IsInvalidArgument(pages.status())) {
      return Refuse(std::move(report), pages.status().message());
    }
    if (!pages.ok()) return pages.status();
    report.set_page_count(*pages);
    if (const std::string problem = PageLimitProblem(*pages, rule);
        !problem.empty()) {
      if (rule.page_limit_action() != deadline::v1::PAGE_LIMIT_ACTION_FLAG) {
        return Refuse(std::move(report), problem);
      }
      report.add_warnings(problem);
    }
  }

  if (IsZipContainer(type->name)) {
    absl::StatusOr<ArchiveWalk> walk = WalkZip(path, info.st_size, limits);
    if (absl::IsInvalidArgument(walk.status())) {
      return Refuse(std::move(report), walk.status().message());
    }
    if (!walk.ok()) return walk.status();
    report.mutable_archive()->set_entries(walk->entries);
    report.mutable_archive()->set_inflated_bytes(walk->inflated_bytes);
    report.mutable_archive()->set_nested_archives(walk->nested_archives);
    if (type->name == kZip) {
      for (const std::string& problem :
           {rule.require_readme() ? ReadmeProblem(walk->tree) : "",
            MissingFilesProblem(walk->tree, rule)}) {
        if (!problem.empty()) return Refuse(std::move(report), problem);
      }
    }
  }
  report.set_accepted(true);
  return report;
}

}  // namespace

absl::StatusOr<InspectionReport> Inspect(const std::string& path,
                                         const ContentRule& rule,
                                         const Limits& limits) {
  try {
    return InspectOrThrow(path, rule, limits);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory inspecting the file");
  }
}

}  // namespace handin::inspect
