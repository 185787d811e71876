#include "services/deadline/request_checks.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace handin::deadline {

absl::Status CheckTimestamp(const google::protobuf::Timestamp& t,
                            absl::string_view name) {
  // The range google.protobuf.Timestamp documents: years 1 to 9999.
  constexpr int64_t kMinSeconds = -62135596800;
  constexpr int64_t kMaxSeconds = 253402300799;
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " is not a valid timestamp"));
  }
  return absl::OkStatus();
}

absl::Status Require(absl::string_view value, absl::string_view name) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " is required"));
}

}  // namespace handin::deadline
