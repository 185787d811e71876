#ifndef HANDIN_COMMON_SHARD_ROUTING_H_
#define HANDIN_COMMON_SHARD_ROUTING_H_

// Which storage shard keeps a course (docs/deploy.md, "Storage shards").
//
// On Kubernetes, storage runs as a StatefulSet of N replicas (shards), each
// with its own RocksDB. Every record of a course lives on exactly one shard,
// chosen by the course id alone, so intake, deadline and grading can each
// find it without asking anyone:
//
//   shard = (first 8 bytes of SHA-256(course_id), big-endian) mod N
//
// The rule is part of the on-disk layout: changing it, or changing N,
// moves courses to other shards whose databases do not hold them. Adding a
// shard therefore means moving the courses whose shard changes (see
// docs/deploy.md); the rule itself must never change.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace handin {

// Returns the shard in [0, shard_count) that keeps `course_id`, by the rule
// above. The same inputs give the same shard on every machine and in every
// release. InvalidArgument if `shard_count` < 1 or `course_id` is empty.
absl::StatusOr<int> StorageShardFor(absl::string_view course_id,
                                    int shard_count);

// The placeholder StorageShardAddress replaces with the shard number.
inline constexpr absl::string_view kShardPlaceholder = "{shard}";

// Returns `address_template` with every "{shard}" replaced by `shard` in
// decimal, e.g. ("storage-{shard}.storage:50053", 2) ->
// "storage-2.storage:50053" (the StatefulSet pod's stable DNS name). A
// template without the placeholder is returned unchanged: one storage for
// every course, as `scripts/up` and docker-compose run it.
// InvalidArgument if `shard` < 0 or the template is empty.
absl::StatusOr<std::string> StorageShardAddress(
    absl::string_view address_template, int shard);

// Both steps: the address of the shard that keeps `course_id`. Errors as
// the two functions above.
absl::StatusOr<std::string> StorageAddressForCourse(
    absl::string_view address_template, absl::string_view course_id,
    int shard_count);

}  // namespace handin

#endif  // HANDIN_COMMON_SHARD_ROUTING_H_
