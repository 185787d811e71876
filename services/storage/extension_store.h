#ifndef HANDIN_SERVICES_STORAGE_EXTENSION_STORE_H_
#define HANDIN_SERVICES_STORAGE_EXTENSION_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "handin/common/v1/extension.pb.h"
#include "handin/storage/v1/storage_service.pb.h"
#include "services/storage/audit_log.h"
#include "services/storage/database.h"

namespace handin::storage {

// The outcome of ExtensionStore::Put.
struct PutExtensionResult {
  // The extension as stored, granted_at set.
  handin::common::v1::Extension stored;
  // The extension it replaced, if any.
  std::optional<handin::common::v1::Extension> previous;
};

// Deadline extensions, in the RocksDB database of a SubmissionStore (keys:
// services/storage/keys.h), each change audited in the store's AuditLog.
// Each change writes the extension (or its deletion) and one audit event
// (EXTENSION_GRANTED or EXTENSION_REVOKED) in one synced WriteBatch: once
// Put or Delete returns, both survive a crash, and neither exists without
// the other. Whether a grant is allowed is not checked here; that is the
// deadline service's policy.
//
// Thread-safe. Changes are serialised; reads are not.
class ExtensionStore {
 public:
  // `db`, `clock` and `audit` must outlive the store.
  ExtensionStore(Database& db, const Clock& clock, AuditLog& audit)
      : db_(db), clock_(clock), audit_(audit) {}

  // Stores `extension`, replacing the one of the same (course, item,
  // principal), with granted_at set to the clock's now, and appends a GRANT
  // audit entry whose actor is granted_by. INVALID_ARGUMENT, naming the
  // field, if course_id, item_id, principal, reason or granted_by is empty
  // (or an id contains a NUL byte) or due_at is unset.
  absl::StatusOr<PutExtensionResult> Put(
      handin::common::v1::Extension extension);

  // Deletes the extension of (course, item, principal) and appends a
  // REVOKE audit entry by `revoked_by` for `reason`; returns what was
  // deleted. NOT_FOUND if there is none; INVALID_ARGUMENT if any argument
  // is empty or an id contains a NUL byte.
  absl::StatusOr<handin::common::v1::Extension> Delete(
      absl::string_view course_id, absl::string_view item_id,
      absl::string_view principal, absl::string_view revoked_by,
      absl::string_view reason);

  // Returns the course's extensions sorted by principal then item id, only
  // those of `item_id` and/or `principal` when non-empty. INVALID_ARGUMENT
  // for an empty course id or a NUL byte in any argument.
  absl::StatusOr<std::vector<handin::common::v1::Extension>> List(
      absl::string_view course_id, absl::string_view item_id,
      absl::string_view principal);

  // Returns the course's extension events of the audit log as
  // ExtensionAuditEntry, oldest first. INVALID_ARGUMENT for an empty course
  // id; DATA_LOSS if an event does not parse.
  absl::StatusOr<std::vector<handin::storage::v1::ExtensionAuditEntry>>
  ListAudit(absl::string_view course_id);

 private:
  // Reads the extension under `key`; nullopt if there is none.
  absl::StatusOr<std::optional<handin::common::v1::Extension>> Read(
      const std::string& key);
  // Writes `key` := `value` (or deletes it if `value` is null) with the
  // audit `event` in one synced batch.
  absl::Status WriteWithAudit(const std::string& key,
                              const handin::common::v1::Extension* value,
                              handin::storage::v1::AuditEvent event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Database& db_;
  const Clock& clock_;
  AuditLog& audit_;

  // Serialises each change's read of the old value with its write.
  absl::Mutex mu_;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_EXTENSION_STORE_H_
