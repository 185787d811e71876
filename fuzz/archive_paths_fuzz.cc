// Fuzzes the archive name rules and the UTF-8 text check, which see every
// entry name and every text byte of an upload: CheckEntryName,
// CheckLinkTarget, ArchiveTree, Utf8TextValidator and Printable must never
// crash, leak or hit undefined behaviour, and must keep their contracts.
//
// Input (corpus/archive_paths/): one entry per line, "<kind> <name>" where
// kind is f (file), d (directory) or l (link, then "\t<target>" after the
// name), as a zip would list them. The whole input is also fed to the UTF-8
// validator.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/inspect/archive_paths.h"
#include "services/inspect/utf8.h"

namespace {

using ::handin::inspect::ArchiveTree;
using ::handin::inspect::EntryKind;

void WalkEntries(absl::string_view text) {
  ArchiveTree tree;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.size() < 2) continue;
    const char kind = line[0];
    absl::string_view name = line.substr(2);
    absl::string_view target;
    if (kind == 'l') {
      std::vector<absl::string_view> parts =
          absl::StrSplit(name, absl::MaxSplits('\t', 1));
      name = parts[0];
      if (parts.size() > 1) target = parts[1];
    }
    absl::Status status = handin::inspect::CheckEntryName(name, " in 'x.zip'");
    if (!status.ok()) {
      if (status.code() != absl::StatusCode::kInvalidArgument) std::abort();
      continue;
    }
    if (kind == 'l' &&
        !handin::inspect::CheckLinkTarget(name, target, "").ok()) {
      continue;
    }
    (void)tree.Add(name,
                   kind == 'l'   ? EntryKind::kLink
                   : kind == 'd' ? EntryKind::kDirectory
                                 : EntryKind::kFile,
                   "");
  }
  (void)tree.SoleTopDirectory();
  (void)tree.HasReadme();
  (void)tree.Missing({"README.md", "src/main.c", "src", ""});
  (void)tree.TopLevelSample(3);
}

// Fed whole or split anywhere, the validator must give the same answer.
void CheckUtf8(absl::string_view text) {
  handin::inspect::Utf8TextValidator whole;
  whole.Feed(text);
  handin::inspect::Utf8TextValidator split;
  const size_t cut =
      text.empty() ? 0 : static_cast<uint8_t>(text[0]) % text.size();
  split.Feed(text.substr(0, cut));
  split.Feed(text.substr(cut));
  if (whole.Finish() != split.Finish()) std::abort();

  const std::string shown = handin::inspect::Printable(text);
  // At most 200 bytes kept, each escaped to at most 4, then "...".
  if (shown.size() > 4 * 200 + 3) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  WalkEntries(text);
  CheckUtf8(text);
  return 0;
}
