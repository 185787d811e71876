#include "common/shard_routing.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/sha256.h"

namespace handin {

absl::StatusOr<int> StorageShardFor(absl::string_view course_id,
                                    int shard_count) {
  if (shard_count < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "shard count is ", shard_count, "; storage needs at least 1 shard"));
  }
  if (course_id.empty()) {
    return absl::InvalidArgumentError(
        "course id is empty; a shard is chosen by course");
  }
  // The first 16 hex digits of the digest are its first 8 bytes, most
  // significant first.
  const std::string hex = Sha256::Of(course_id);
  uint64_t prefix = 0;
  if (!absl::SimpleHexAtoi(absl::string_view(hex).substr(0, 16), &prefix)) {
    return absl::InternalError("SHA-256 digest is not hex");  // cannot happen
  }
  return static_cast<int>(prefix % static_cast<uint64_t>(shard_count));
}

absl::StatusOr<std::string> StorageShardAddress(
    absl::string_view address_template, int shard) {
  if (shard < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard is ", shard, "; shards are numbered from 0"));
  }
  if (address_template.empty()) {
    return absl::InvalidArgumentError(
        "storage address template is empty; give host:port, with {shard} "
        "where the shard number goes, e.g. "
        "storage-{shard}.storage:50053");
  }
  return absl::StrReplaceAll(address_template,
                             {{kShardPlaceholder, absl::StrCat(shard)}});
}

absl::StatusOr<std::string> StorageAddressForCourse(
    absl::string_view address_template, absl::string_view course_id,
    int shard_count) {
  absl::StatusOr<int> shard = StorageShardFor(course_id, shard_count);
  if (!shard.ok()) return shard.status();
  return StorageShardAddress(address_template, *shard);
}

}  // namespace handin
