#ifndef HANDIN_SERVICES_INSPECT_LIMITS_H_
#define HANDIN_SERVICES_INSPECT_LIMITS_H_

#include <cstdint>

namespace handin::inspect {

// Service-wide bounds on what the inspector reads. They protect the service
// (and whoever opens the file later) from crafted files; an item's own
// ContentRule can only make the size limit tighter.
struct Limits {
  // Largest file accepted when the rule's max_size_bytes is 0. Default
  // 512 MiB (intake's service-wide limit).
  int64_t max_file_bytes = int64_t{512} << 20;
  // Most entries (files and directories, nested archives' included) a zip
  // container may hold. Default 10000.
  int64_t max_entries = 10000;
  // Most bytes a zip container may inflate to, counted as actually produced
  // by decompression at every nesting level (a nested zip's own bytes count,
  // and so do its entries'). Default 1 GiB.
  int64_t max_inflated_bytes = int64_t{1} << 30;
  // Most inflated bytes per byte of the uploaded file (0 disables the
  // check), applied only once more than ratio_applies_above_bytes have been
  // inflated, so tiny, highly compressible files (an empty log, a sparse
  // matrix) pass. Default 100.
  int64_t max_inflation_ratio = 100;
  // See max_inflation_ratio. Default 8 MiB.
  int64_t ratio_applies_above_bytes = int64_t{8} << 20;
  // Deepest zip nesting inspected: 1 is the upload itself, 2 a zip inside
  // it. A zip found at a deeper level is refused. Default 2.
  int max_archive_depth = 2;
};

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_LIMITS_H_
