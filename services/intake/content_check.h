#ifndef HANDIN_SERVICES_INTAKE_CONTENT_CHECK_H_
#define HANDIN_SERVICES_INTAKE_CONTENT_CHECK_H_

// Enforcing an item's ContentRule in intake: the declared size against the
// rule at metadata time, and the staged bytes through the sandboxed content
// inspector (services/inspect/sandbox.h) before the commit.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "handin/deadline/v1/policy.pb.h"
#include "services/inspect/limits.h"
#include "services/inspect/sandbox.h"

namespace handin::intake {

// Returns OK if an upload declaring `declared_size` bytes may go on under
// `rule`: at most the rule's max_size_bytes, or `max_file_bytes` (the
// service-wide limit, which also caps the rule's) when that is 0.
// Otherwise InvalidArgument "<item_id>: this file is <size>; at most
// <limit> allowed", both sizes in bytes and for people.
absl::Status CheckDeclaredSize(const deadline::v1::ContentRule& rule,
                               absl::string_view item_id, int64_t declared_size,
                               int64_t max_file_bytes);

// What the inspector found in a file it accepted, for the stored record.
struct ContentFindings {
  // The media type judged by the bytes, e.g. "application/pdf".
  std::string media_type;
  // Flagged without refusing, e.g. a page count outside the rule's limits
  // under PAGE_LIMIT_ACTION_FLAG.
  std::vector<std::string> warnings;
};

// Runs the content inspector on staged uploads, at most `max_concurrent`
// at a time (each child may take a core and SandboxOptions::memory_bytes).
// Thread-safe; Check blocks its thread, waiting for a free slot and then for
// the inspector (about its timeout at most, grown for the file size), so call
// it from the executor, never from a gRPC callback.
class ContentChecker {
 public:
  // `sandbox.inspector_path` is handin-inspect; `limits.max_file_bytes`
  // should be intake's service-wide limit. `max_concurrent` >= 1.
  ContentChecker(inspect::SandboxOptions sandbox, inspect::Limits limits,
                 int max_concurrent);

  // Inspects the file at `path` against `rule`, with the limits and
  // sandbox given at construction grown for the file's size
  // (inspect::BudgetForFile). Returns the findings when
  // the file is accepted; InvalidArgument "<item_id>: <refusal>" when it is
  // refused (the file's fault: to be recorded as a refusal); Internal
  // "the content inspector could not run: ..." when the inspector is
  // missing, not executable or fails to start (a deployment problem, not
  // the student's: not recorded, and the student is asked to try later).
  absl::StatusOr<ContentFindings> Check(const std::string& path,
                                        const deadline::v1::ContentRule& rule,
                                        absl::string_view item_id);

 private:
  const inspect::SandboxOptions sandbox_;
  const inspect::Limits limits_;
  const int max_concurrent_;
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_CONTENT_CHECK_H_
