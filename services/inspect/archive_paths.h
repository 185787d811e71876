#ifndef HANDIN_SERVICES_INSPECT_ARCHIVE_PATHS_H_
#define HANDIN_SERVICES_INSPECT_ARCHIVE_PATHS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace handin::inspect {

// Safety of the names inside an archive. `where` names the archive for the
// message: "" for the upload itself, " in 'lib/inner.zip'" for a nested one.
// Both '/' and '\' separate components (an extractor on Windows honours
// either).

// Longest entry name accepted, in bytes, and most components in one; both
// far beyond real projects, they bound the memory an ArchiveTree takes.
inline constexpr size_t kMaxEntryNameBytes = 1024;
inline constexpr size_t kMaxEntryNameDepth = 64;

// Returns InvalidArgument, with a message for the student, if `name` is
// empty, absolute ("/x", "\x", "C:x"), has a ".." component anywhere, or
// is longer or deeper than the limits above.
absl::Status CheckEntryName(absl::string_view name, absl::string_view where);

// Returns InvalidArgument if a symbolic link named `name` (already checked
// by CheckEntryName) that points to `target` resolves outside the archive:
// an absolute target, or more ".." than the link's directory is deep. The
// target is resolved as text; ArchiveTree::Add refuses the links through
// links that could make that resolution wrong.
absl::Status CheckLinkTarget(absl::string_view name, absl::string_view target,
                             absl::string_view where);

// What kind of entry ArchiveTree::Add records.
enum class EntryKind { kFile, kDirectory, kLink };

// The tree of one archive's entries, for the link-chain guard and for the
// README and required-files rules. Paths are compared after dropping empty
// and "." components, so "./src//a.c" is "src/a.c".
class ArchiveTree {
 public:
  ArchiveTree();
  ~ArchiveTree();
  ArchiveTree(ArchiveTree&&);
  ArchiveTree& operator=(ArchiveTree&&);

  // Adds an entry whose name passed CheckEntryName; its parent directories
  // are added too, as zips often omit directory entries. Returns
  // InvalidArgument if the entry lies under a symbolic link added before,
  // or is a link over a directory that already has entries: a link used as
  // a directory lets a second link escape through the first, whatever its
  // own target says.
  absl::Status Add(absl::string_view name, EntryKind kind,
                   absl::string_view where);

  // The only top-level directory if every entry lies inside it, else "".
  // A top-level "__MACOSX" (resource forks that macOS adds when zipping a
  // folder) is ignored here.
  std::string SoleTopDirectory() const;
  // True if a regular file named README or README.<ext>, in any letter
  // case, lies at the root or directly inside SoleTopDirectory().
  bool HasReadme() const;
  // The required paths found (as a file or directory) neither from the
  // root nor from SoleTopDirectory(), compared exactly (case included), in
  // input order.
  std::vector<std::string> Missing(
      const std::vector<std::string>& required) const;
  // Up to `limit` top-level names, sorted, directories with a trailing '/',
  // to show a student what was found.
  std::vector<std::string> TopLevelSample(size_t limit) const;

 private:
  struct Node;
  // The sole top-level directory's node, or nullptr.
  const Node* SoleTop(std::string* name) const;

  std::unique_ptr<Node> root_;
};

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_ARCHIVE_PATHS_H_
