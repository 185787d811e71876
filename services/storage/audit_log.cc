#include "services/storage/audit_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"

namespace handin::storage {

using ::handin::storage::v1::AuditEvent;

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(Database& db,
                                                         const Clock& clock) {
  std::unique_ptr<AuditLog> log(new AuditLog(db, clock));
  const std::string prefix = keys::AuditPrefix();
  std::unique_ptr<rocksdb::Iterator> it(
      db.db().NewIterator(rocksdb::ReadOptions(), db.audit()));
  it->SeekForPrev(keys::PrefixEnd(prefix));
  absl::MutexLock lock(&log->mu_);
  if (it->Valid() && it->key().starts_with(prefix)) {
    AuditEvent last;
    if (!last.ParseFromArray(it->value().data(),
                             static_cast<int>(it->value().size())) ||
        last.hash_hex().empty()) {
      return absl::DataLossError(
          "the newest audit event is corrupt, so the audit log cannot be "
          "continued; run handin-admin audit verify on the data directory");
    }
    log->last_sequence_ = last.sequence();
    log->last_hash_hex_ = last.hash_hex();
  }
  if (absl::Status s = FromRocksStatus(it->status(), "reading the audit log");
      !s.ok()) {
    return s;
  }
  return log;
}

absl::StatusOr<AuditEvent> AuditLog::Commit(rocksdb::WriteBatch& batch,
                                            AuditEvent event,
                                            absl::string_view what) {
  return Commit(batch, std::move(event), what, nullptr);
}

absl::StatusOr<AuditEvent> AuditLog::Commit(
    rocksdb::WriteBatch& batch, AuditEvent event, absl::string_view what,
    const std::function<void(const AuditEvent&)>& before_write) {
  absl::MutexLock lock(&mu_);
  event.set_sequence(last_sequence_ + 1);
  *event.mutable_recorded_at() = ToProtoTimestamp(clock_.Now());
  event.set_previous_hash_hex(last_hash_hex_);
  event.clear_hash_hex();
  event.set_hash_hex(AuditEventHash(event));
  if (before_write) before_write(event);
  rocksdb::Status status = batch.Put(
      db_.audit(), keys::AuditKey(event.sequence()), event.SerializeAsString());
  if (status.ok()) {
    rocksdb::WriteOptions synced;
    synced.sync = true;
    status = db_.db().Write(synced, &batch);
  }
  if (!status.ok()) {
    return FromRocksStatus(
        status, absl::StrCat("writing ", what, " and its audit event"));
  }
  last_sequence_ = event.sequence();
  last_hash_hex_ = event.hash_hex();
  return event;
}

absl::StatusOr<std::vector<AuditEvent>> AuditLog::List() {
  absl::StatusOr<std::vector<RawAuditEntry>> entries = ReadAuditEntries(db_);
  if (!entries.ok()) return entries.status();
  std::vector<AuditEvent> out;
  out.reserve(entries->size());
  for (const RawAuditEntry& entry : *entries) {
    if (!out.emplace_back().ParseFromString(entry.value)) {
      return absl::DataLossError(absl::StrCat(
          "audit event ", out.size(),
          " is corrupt; run handin-admin audit verify on the data directory"));
    }
  }
  return out;
}

absl::StatusOr<std::vector<RawAuditEntry>> ReadAuditEntries(Database& db) {
  const std::string prefix = keys::AuditPrefix();
  const std::string end = keys::PrefixEnd(prefix);
  const rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db.db().NewIterator(read, db.audit()));
  std::vector<RawAuditEntry> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    out.push_back({it->key().ToString(), it->value().ToString()});
  }
  if (absl::Status s = FromRocksStatus(it->status(), "reading the audit log");
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<AuditChainReport> VerifyAuditLogInDirectory(
    const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<Database>> db =
      Database::OpenReadOnly(data_dir);
  if (!db.ok()) return db.status();
  absl::StatusOr<std::vector<RawAuditEntry>> entries = ReadAuditEntries(**db);
  if (!entries.ok()) return entries.status();
  return VerifyAuditChain(*entries);
}

}  // namespace handin::storage
