// Fuzzes the zip inspector: WalkZip and ListZipNames on any bytes must
// return a walk or a refusal (InvalidArgument; ResourceExhausted if memory
// ran out), never crash, leak or hit undefined behaviour, and must stay
// within the limits given.
//
// Input: the bytes of an uploaded file, usually a zip (corpus/zip_walk/).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fuzz/input_file.h"
#include "services/inspect/archive_walk.h"

namespace {

using ::handin::inspect::ArchiveWalk;
using ::handin::inspect::Limits;

// Small limits keep one input fast; the rules are the same as in service.
Limits FuzzLimits() {
  Limits limits;
  limits.max_entries = 256;
  limits.max_inflated_bytes = int64_t{4} << 20;
  limits.ratio_applies_above_bytes = int64_t{256} << 10;
  limits.max_archive_depth = 3;
  return limits;
}

bool IsRefusal(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ||
         status.code() == absl::StatusCode::kResourceExhausted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  handin::fuzz::InputFile& file = handin::fuzz::InputFile::Get();
  file.Write(data, size);
  static const Limits limits = FuzzLimits();

  absl::StatusOr<ArchiveWalk> walk =
      handin::inspect::WalkZip(file.path(), static_cast<int64_t>(size), limits);
  if (walk.ok()) {
    if (walk->entries > limits.max_entries ||
        walk->inflated_bytes > limits.max_inflated_bytes) {
      std::abort();  // a limit was not enforced
    }
    (void)walk->tree.SoleTopDirectory();
    (void)walk->tree.HasReadme();
    (void)walk->tree.Missing({"README.md", "src/main.c", "src/"});
    (void)walk->tree.TopLevelSample(5);
  } else if (!IsRefusal(walk.status())) {
    std::abort();
  }

  absl::StatusOr<std::vector<std::string>> names =
      handin::inspect::ListZipNames(file.path(), 16);
  if (names.ok()
          ? names->size() > 16
          : names.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}
