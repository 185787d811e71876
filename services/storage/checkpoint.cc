#include "services/storage/checkpoint.h"

#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/checkpoint.h"
#include "services/storage/audit_log.h"
#include "services/storage/rocks_status.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

namespace fs = std::filesystem;

// `dir` as an absolute, normalized path without a trailing slash.
std::string AbsoluteDir(const std::string& dir) {
  std::error_code error;
  fs::path absolute = fs::absolute(dir, error);
  if (error) absolute = dir;
  std::string normal = absolute.lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

// Removes what a failed checkpoint left at `path`; logs if it cannot.
void RemoveCheckpoint(const std::string& path) {
  std::error_code error;
  fs::remove_all(path, error);
  if (error) {
    spdlog::error("event=checkpoint_cleanup_failed path={} error=\"{}\"", path,
                  error.message());
  }
}

// Reads the audit head of the checkpoint at `path` from the checkpoint.
absl::StatusOr<AuditHead> CheckpointHead(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Database>> copy = Database::OpenReadOnly(path);
  if (!copy.ok()) return copy.status();
  return ReadAuditHead(**copy);
}

}  // namespace

std::string DefaultCheckpointDir(absl::string_view data_dir) {
  while (data_dir.size() > 1 && absl::ConsumeSuffix(&data_dir, "/")) {
  }
  return absl::StrCat(data_dir, ".checkpoints");
}

std::string CheckpointName(absl::Time at) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", at, absl::UTCTimeZone());
}

Checkpointer::Checkpointer(Database& db, const std::string& checkpoint_dir,
                           const Clock& clock)
    : db_(db),
      dir_(AbsoluteDir(checkpoint_dir.empty() ? DefaultCheckpointDir(db.dir())
                                              : checkpoint_dir)),
      clock_(clock) {}

absl::StatusOr<CheckpointResult> Checkpointer::Create() {
  absl::MutexLock lock(&mu_);
  CheckpointResult result;
  result.created_at = clock_.Now();
  result.path = absl::StrCat(dir_, "/", CheckpointName(result.created_at));
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create the checkpoint directory ", dir_, ": ", error.message(),
        "; give handin-storage a --checkpoint_dir it may write, on the "
        "filesystem of its --data_dir"));
  }
  const bool exists = fs::exists(result.path, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot look for ", result.path, ": ", error.message()));
  }
  if (exists) {
    return absl::AlreadyExistsError(absl::StrCat(
        "the checkpoint ", result.path,
        " exists already (checkpoints are named by the second they are "
        "made); ask again in a second"));
  }
  rocksdb::Checkpoint* made = nullptr;
  rocksdb::Status status = rocksdb::Checkpoint::Create(&db_.db(), &made);
  const std::unique_ptr<rocksdb::Checkpoint> checkpoint(made);
  if (status.ok()) status = checkpoint->CreateCheckpoint(result.path);
  if (!status.ok()) {
    // RocksDB removes its staging directory itself; result.path is made
    // only by the last step, a rename.
    return FromRocksStatus(status,
                           absl::StrCat("making the checkpoint ", result.path,
                                        " of the database in ", db_.dir()));
  }
  absl::StatusOr<AuditHead> head = CheckpointHead(result.path);
  if (!head.ok()) {
    RemoveCheckpoint(result.path);
    return absl::Status(
        head.status().code(),
        absl::StrCat("reading the audit head of the checkpoint ", result.path,
                     " (removed): ", head.status().message()));
  }
  result.audit_sequence = head->sequence;
  result.audit_head_hash_hex = std::move(head->hash_hex);
  spdlog::info("event=checkpoint_made path={} audit_sequence={} audit_head={}",
               result.path, result.audit_sequence, result.audit_head_hash_hex);
  return result;
}

}  // namespace handin::storage
