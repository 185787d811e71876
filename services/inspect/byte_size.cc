#include "services/inspect/byte_size.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace handin::inspect {

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1024) {
    return absl::StrCat(bytes, bytes == 1 ? " byte" : " bytes");
  }
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  // Round up: sizes shown are those of refused files, which are over a
  // limit, so they should not read as under it.
  const std::string number =
      absl::StrFormat("%.1f", std::ceil(value * 10) / 10);
  return absl::StrCat(absl::StripSuffix(number, ".0"), " ", kUnits[unit]);
}

}  // namespace handin::inspect
