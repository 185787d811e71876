#ifndef HANDIN_SERVICES_STORAGE_REFUSAL_STORE_H_
#define HANDIN_SERVICES_STORAGE_REFUSAL_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handin/common/v1/common.pb.h"
#include "services/storage/audit_log.h"
#include "services/storage/database.h"
#include "services/storage/id_allocator.h"

namespace handin::storage {

// The uploads intake refused, kept as evidence, in the RocksDB database of
// a SubmissionStore (keys refusal*, services/storage/keys.h). Each Record
// writes the attempt, its two index entries and an ATTEMPT_REFUSED audit
// event in one synced WriteBatch. Attempts are never changed or deleted.
//
// Thread-safe. `db`, `ids` and `audit` must outlive the store.
class RefusalStore {
 public:
  RefusalStore(Database& db, IdAllocator& ids, AuditLog& audit)
      : db_(db), ids_(ids), audit_(audit) {}

  // Stores `attempt` with a new attempt_id (IdAllocator, per course) and
  // returns it. INVALID_ARGUMENT naming the field if attempt_id is set, or
  // course_id, item_id, principal, code or reason is empty (or an id holds
  // a NUL byte).
  absl::StatusOr<common::v1::RefusedAttempt> Record(
      common::v1::RefusedAttempt attempt);

  // Returns the course's attempts, oldest first, only those at `item_id`
  // and/or by `principal` when these are non-empty. INVALID_ARGUMENT for an
  // empty course id or a NUL byte in any argument.
  absl::StatusOr<std::vector<common::v1::RefusedAttempt>> List(
      absl::string_view course_id, absl::string_view item_id,
      absl::string_view principal);

 private:
  Database& db_;
  IdAllocator& ids_;
  AuditLog& audit_;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_REFUSAL_STORE_H_
