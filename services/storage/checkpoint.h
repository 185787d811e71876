#ifndef HANDIN_SERVICES_STORAGE_CHECKPOINT_H_
#define HANDIN_SERVICES_STORAGE_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "services/storage/database.h"

namespace handin::storage {

// What Checkpointer::Create made.
struct CheckpointResult {
  // Absolute path of the checkpoint's directory.
  std::string path;
  // The clock's instant when it was started; CheckpointName of it names
  // the directory.
  absl::Time created_at;
  // The newest audit event in the checkpoint itself (read back from it),
  // which `handin-admin audit verify` on it prints as its head.
  uint64_t audit_sequence = 0;
  std::string audit_head_hash_hex;
};

// Where checkpoints go when storage's --checkpoint_dir is empty:
// `<data_dir>.checkpoints` (trailing slashes of `data_dir` dropped), a
// sibling of the database, so on its filesystem.
std::string DefaultCheckpointDir(absl::string_view data_dir);

// The name of a checkpoint started at `at`: the UTC instant to the second,
// e.g. "20261127T233000Z". Names sort by time.
std::string CheckpointName(absl::Time at);

// Makes online checkpoints of a Database (RocksDB's Checkpoint) into one
// directory, while the database keeps serving reads and commits.
// Thread-safe; one checkpoint is made at a time.
class Checkpointer {
 public:
  // Checkpoints of `db` go to `checkpoint_dir` (made absolute against the
  // working directory now; created when the first checkpoint is made);
  // empty means DefaultCheckpointDir(db.dir()). Their names come from
  // `clock`. `db` and `clock` must outlive the checkpointer.
  Checkpointer(Database& db, const std::string& checkpoint_dir,
               const Clock& clock);

  // The absolute directory checkpoints go to.
  const std::string& dir() const { return dir_; }

  // Makes the checkpoint <dir()>/<CheckpointName(clock now)>: flushes the
  // memtables, then hard-links the table and blob files (copies them when
  // dir() is on another filesystem) and copies the rest, so it holds
  // everything committed before the call. Reopens it read-only to read
  // its audit head. Errors name the directory: ALREADY_EXISTS if a
  // checkpoint of that name exists; FAILED_PRECONDITION if dir() cannot be
  // created; otherwise as FromRocksStatus maps RocksDB's status (or
  // Database::OpenReadOnly and ReadAuditHead fail), and then nothing of
  // the checkpoint is left.
  absl::StatusOr<CheckpointResult> Create();

 private:
  Database& db_;
  const std::string dir_;
  const Clock& clock_;
  // Held while a checkpoint is made: two at once would share RocksDB's
  // staging directory when their names are equal, and double the flushes.
  absl::Mutex mu_;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_CHECKPOINT_H_
