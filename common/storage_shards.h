#ifndef HANDIN_COMMON_STORAGE_SHARDS_H_
#define HANDIN_COMMON_STORAGE_SHARDS_H_

// The storage shards a service calls, each course routed to the one shard
// that keeps it by common/shard_routing.h's rule (docs/deploy.md, "Storage
// shards").

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"

namespace handin {

class StorageShards {
 public:
  using Stub = storage::v1::StorageService::StubInterface;

  // `shards[i]` is shard i; at least one, none null.
  explicit StorageShards(std::vector<std::unique_ptr<Stub>> shards);
  // One storage for every course (scripts/up, docker-compose, tests).
  explicit StorageShards(std::unique_ptr<Stub> only);

  // The stub of the shard that keeps `course_id` (StorageShardFor). A call
  // without a course id goes to shard 0, which refuses it as storage does
  // any such call. Thread-safe; the stub lives as long as this object.
  Stub& ForCourse(absl::string_view course_id) const;

  int size() const { return static_cast<int>(shards_.size()); }

 private:
  std::vector<std::unique_ptr<Stub>> shards_;
};

// The shard addresses in `flag`, a comma-separated list of host:port in
// shard order ("storage-0.storage:50053,storage-1.storage:50053"); spaces
// around each are ignored. InvalidArgument naming `flag_name` when the list
// is empty or has an empty entry.
absl::StatusOr<std::vector<std::string>> ParseStorageAddresses(
    absl::string_view flag, absl::string_view flag_name);

// The address, among those `flag` lists (ParseStorageAddresses), of the
// shard that keeps `course_id`: how a server of one course (deadline) finds
// its storage. Errors as ParseStorageAddresses; InvalidArgument for an empty
// course id.
absl::StatusOr<std::string> CourseShardAddress(absl::string_view flag,
                                               absl::string_view flag_name,
                                               absl::string_view course_id);

// The shards `flag` lists (ParseStorageAddresses), each reached through
// PeerChannelFromFlags (common/server_flags.h): how a server's
// --storage_addr becomes its storage. Errors name the flag.
absl::StatusOr<StorageShards> StorageShardsFromFlag(
    absl::string_view flag, absl::string_view flag_name);

}  // namespace handin

#endif  // HANDIN_COMMON_STORAGE_SHARDS_H_
