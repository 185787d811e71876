#ifndef HANDIN_SERVICES_INSPECT_ARCHIVE_PATHS_H_
#define HANDIN_SERVICES_INSPECT_ARCHIVE_PATHS_H_

#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handin::inspect {

// Safety of the names inside an archive. `where` names the archive for the
// message: "" for the upload itself, " in 'lib/inner.zip'" for a nested one.
// Both '/' and '\' separate components (an extractor on Windows honours
// either).

// Returns InvalidArgument, with a message for the student, if `name` is
// empty, absolute ("/x", "\x", "C:x") or has a ".." component anywhere.
absl::Status CheckEntryName(absl::string_view name, absl::string_view where);

// Returns InvalidArgument if a symbolic link named `name` (already checked
// by CheckEntryName) that points to `target` resolves outside the archive:
// an absolute target, or more ".." than the link's directory is deep.
absl::Status CheckLinkTarget(absl::string_view name, absl::string_view target,
                             absl::string_view where);

// The paths of the upload's own entries (nested archives' are not added),
// for the README and required-files rules. Paths are compared after
// dropping empty and "." components, so "./src//a.c" is "src/a.c".
class ArchiveTree {
 public:
  // Adds an entry whose name passed CheckEntryName. Its parent directories
  // are added too, as zips often omit directory entries.
  void Add(absl::string_view name, bool is_directory);

  // The only top-level directory if every entry lies inside it, else "".
  // A top-level "__MACOSX" (resource forks that macOS adds when zipping a
  // folder) is ignored here.
  std::string SoleTopDirectory() const;
  // True if a regular file named README or README.<ext>, in any letter
  // case, lies at the root or directly inside SoleTopDirectory().
  bool HasReadme() const;
  // The required paths found neither at the root nor inside
  // SoleTopDirectory(), compared exactly (case included), in input order.
  std::vector<std::string> Missing(
      const std::vector<std::string>& required) const;
  // Up to `limit` top-level names, sorted, directories with a trailing '/',
  // to show a student what was found.
  std::vector<std::string> TopLevelSample(size_t limit) const;

 private:
  bool HasPath(const std::string& path) const;

  absl::btree_set<std::string> files_;
  absl::btree_set<std::string> directories_;
};

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_ARCHIVE_PATHS_H_
