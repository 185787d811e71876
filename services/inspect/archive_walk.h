#ifndef HANDIN_SERVICES_INSPECT_ARCHIVE_WALK_H_
#define HANDIN_SERVICES_INSPECT_ARCHIVE_WALK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/inspect/archive_paths.h"
#include "services/inspect/limits.h"

namespace handin::inspect {

// What a walk through a zip container found.
struct ArchiveWalk {
  // The upload's own entries (not those of nested archives).
  ArchiveTree tree;
  // Entries at every level, directories included.
  int64_t entries = 0;
  // Bytes produced by decompression at every level.
  int64_t inflated_bytes = 0;
  // Zip archives found inside the upload (by their bytes) and walked.
  int nested_archives = 0;
};

// Walks the zip at `path` (whose size is `file_bytes`) with libarchive,
// streaming every entry's data through a small buffer: nothing is written
// to disk and memory stays bounded. An entry whose data starts with a zip
// signature is walked in turn, fed from the outer entry's data, down to
// limits.max_archive_depth. Checks every name and link (CheckEntryName,
// CheckLinkTarget, and ArchiveTree::Add against links through links, per
// archive), the entry count, the inflated bytes and the inflation ratio,
// and stops at the first problem.
//
// Returns InvalidArgument, with a refusal message for the student, if the
// archive breaks a rule or cannot be read (corrupt, encrypted entries);
// ResourceExhausted if memory ran out.
absl::StatusOr<ArchiveWalk> WalkZip(const std::string& path, int64_t file_bytes,
                                    const Limits& limits);

// Returns the names of the first `max_entries` entries of the zip at `path`
// without reading their data, for telling PPTX and DOCX from plain zips.
// InvalidArgument if it is not a readable zip.
absl::StatusOr<std::vector<std::string>> ListZipNames(const std::string& path,
                                                      int64_t max_entries);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_ARCHIVE_WALK_H_
