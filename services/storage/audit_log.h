#ifndef HANDIN_SERVICES_STORAGE_AUDIT_LOG_H_
#define HANDIN_SERVICES_STORAGE_AUDIT_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "handin/storage/v1/storage_service.pb.h"
#include "rocksdb/status.h"
#include "services/storage/audit_chain.h"
#include "services/storage/database.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace handin::storage {

// The store's one append-only, hash-chained audit log (keys audit\0<seq>,
// chain and encoding in audit_chain.h). Every audited change goes through
// Commit, which appends its event to the change's own WriteBatch and writes
// both synced: the change and its event exist together or not at all.
//
// Thread-safe. Commits are grouped: while one group's synced write is in
// flight, the commits that arrive queue up, and the first of them then
// writes them all as one WriteBatch with one fsync (their events in arrival
// order, each chained to the one before). So N concurrent commits cost
// about one fsync, not N, while the chain stays one unbroken sequence and
// every change is still written together with its event, synced, before
// its Commit returns.
class AuditLog {
 public:
  // Reads the newest event of `db` to continue its sequence and chain.
  // `db` and `clock` must outlive the log. DATA_LOSS if the newest event
  // is corrupt (the log cannot be continued; run handin-admin audit verify).
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(Database& db,
                                                        const Clock& clock);

  // Completes `event` with the next sequence, the clock's now, the previous
  // event's hash and its own hash, adds it to `batch` and writes `batch`
  // with sync (in one WriteBatch with the other commits of its group).
  // Returns the completed event once it is on disk. On failure nothing of
  // the group is written and the chain is unchanged; the error (from
  // FromRocksStatus) names `what`, the change being written.
  absl::StatusOr<v1::AuditEvent> Commit(rocksdb::WriteBatch& batch,
                                        v1::AuditEvent event,
                                        absl::string_view what);
  // As above, calling `before_write` with the completed event (sequence,
  // instant and hash set) just before `batch` is written, so the change can
  // record where it sits in the chain (e.g. a submission's receipt names its
  // event). `before_write` adds to the same batch; it may run on another
  // committing thread (the group's), while this one waits, and must not
  // call the log.
  absl::StatusOr<v1::AuditEvent> Commit(
      rocksdb::WriteBatch& batch, v1::AuditEvent event, absl::string_view what,
      const std::function<void(const v1::AuditEvent&)>& before_write);

  // Returns every event, oldest first. DATA_LOSS if one does not parse.
  absl::StatusOr<std::vector<v1::AuditEvent>> List();

 private:
  // One Commit waiting for its group's write.
  struct Pending {
    rocksdb::WriteBatch* batch;
    v1::AuditEvent* event;
    const std::function<void(const v1::AuditEvent&)>* before_write;
    rocksdb::Status status;
    bool done = false;
  };

  AuditLog(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Chains the events of `group` after (`sequence`, `hash_hex`), adds them
  // to their batches and writes all the batches as one synced WriteBatch.
  // On success advances `sequence` and `hash_hex` to the group's last
  // event. Runs outside mu_, by the one thread writing_ marks.
  rocksdb::Status WriteGroup(const std::vector<Pending*>& group,
                             uint64_t& sequence, std::string& hash_hex);

  Database& db_;
  const Clock& clock_;
  absl::Mutex mu_;
  // The sequence and hash of the newest event on disk (0 and "" when none).
  uint64_t last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_hash_hex_ ABSL_GUARDED_BY(mu_);
  // Commits waiting for the next group, in arrival order.
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  // True while a group is being written (its writer owns the chain's end).
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
};

// The newest event of an audit log: where a copy of the log must end.
struct AuditHead {
  // Its sequence, which is also the number of events (they start at 1,
  // without gaps); 0 when the log is empty.
  uint64_t sequence = 0;
  // Its hash_hex; "" when the log is empty.
  std::string hash_hex;
};

// Returns the head of the audit log in `db`. DATA_LOSS if the newest event
// does not parse or has no hash (run handin-admin audit verify).
absl::StatusOr<AuditHead> ReadAuditHead(Database& db);

// Returns every raw entry under the audit prefix of `db`, in key order.
absl::StatusOr<std::vector<RawAuditEntry>> ReadAuditEntries(Database& db);

// Opens the database in `data_dir` read-only (which works while a
// handin-storage serves it) and verifies its audit chain
// (VerifyAuditChain). Errors as Database::OpenReadOnly returns them (NOT_FOUND
// if there is no database there).
absl::StatusOr<AuditChainReport> VerifyAuditLogInDirectory(
    const std::string& data_dir);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_AUDIT_LOG_H_
