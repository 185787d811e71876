#include "common/storage_shards.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/server_flags.h"
#include "common/shard_routing.h"

namespace handin {

StorageShards::StorageShards(std::vector<std::unique_ptr<Stub>> shards)
    : shards_(std::move(shards)) {}

StorageShards::StorageShards(std::unique_ptr<Stub> only) {
  shards_.push_back(std::move(only));
}

StorageShards::Stub& StorageShards::ForCourse(
    absl::string_view course_id) const {
  if (shards_.size() == 1 || course_id.empty()) return *shards_.front();
  // Only an empty id or no shards fail, and neither reaches here.
  return *shards_[StorageShardFor(course_id, size()).value()];
}

absl::StatusOr<std::vector<std::string>> ParseStorageAddresses(
    absl::string_view flag, absl::string_view flag_name) {
  std::vector<std::string> addresses;
  for (absl::string_view part : absl::StrSplit(flag, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag_name, " \"", flag,
          "\" has an empty address; give host:port of each storage shard in "
          "shard order, separated by commas, e.g. "
          "storage-0.storage:50053,storage-1.storage:50053"));
    }
    addresses.emplace_back(part);
  }
  return addresses;
}

absl::StatusOr<std::string> CourseShardAddress(absl::string_view flag,
                                               absl::string_view flag_name,
                                               absl::string_view course_id) {
  absl::StatusOr<std::vector<std::string>> addresses =
      ParseStorageAddresses(flag, flag_name);
  if (!addresses.ok()) return addresses.status();
  absl::StatusOr<int> shard =
      StorageShardFor(course_id, static_cast<int>(addresses->size()));
  if (!shard.ok()) return shard.status();
  return (*addresses)[*shard];
}

absl::StatusOr<StorageShards> StorageShardsFromFlag(
    absl::string_view flag, absl::string_view flag_name) {
  absl::StatusOr<std::vector<std::string>> addresses =
      ParseStorageAddresses(flag, flag_name);
  if (!addresses.ok()) return addresses.status();
  std::vector<std::unique_ptr<StorageShards::Stub>> stubs;
  for (const std::string& address : *addresses) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        PeerChannelFromFlags(address);
    if (!channel.ok()) return channel.status();
    stubs.push_back(storage::v1::StorageService::NewStub(*channel));
  }
  return StorageShards(std::move(stubs));
}

}  // namespace handin
