#ifndef HANDIN_SERVICES_INSPECT_INSPECTOR_H_
#define HANDIN_SERVICES_INSPECT_INSPECTOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "handin/deadline/v1/policy.pb.h"
#include "handin/inspect/v1/report.pb.h"
#include "services/inspect/limits.h"

namespace handin::inspect {

// Judges the file at `path` by its bytes against an item's `rule`, in this
// order, stopping at the first refusal:
//  1. size: at most rule.max_size_bytes, or limits.max_file_bytes when that
//     is 0 (the smaller of the two when both are set);
//  2. media type (SniffMediaType): one of rule.media_types, unless empty;
//  3. a PDF: its page count (CountPdfPages) within [min_pages, max_pages]
//     where set; outside them it is refused, or accepted with a warning if
//     rule.page_limit_action is PAGE_LIMIT_ACTION_FLAG. An unreadable or
//     password-protected PDF is refused whatever the rule;
//  4. a zip, PPTX or DOCX: the archive walk (WalkZip) within `limits`;
//  5. a zip (application/zip): a README (rule.require_readme) and
//     rule.required_files, at the root or inside the archive's sole
//     top-level directory (see ArchiveTree).
// Parses untrusted bytes in-process; a service runs it through
// RunSandboxedInspection (sandbox.h) instead.
//
// Returns the report, accepted or with a refusal that names what was found
// and what was expected, but not the item (callers prefix it). Returns an
// error only if the file could not be inspected: NotFound if `path` does
// not exist, FailedPrecondition if it is not a regular file, Internal if it
// cannot be read or libmagic cannot start, ResourceExhausted if memory ran
// out. Never throws.
absl::StatusOr<v1::InspectionReport> Inspect(
    const std::string& path, const deadline::v1::ContentRule& rule,
    const Limits& limits = {});

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_INSPECTOR_H_
