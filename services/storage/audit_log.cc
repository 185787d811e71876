#include "services/storage/audit_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"

namespace handin::storage {

using ::handin::storage::v1::AuditEvent;

namespace {

// Most commits written in one group (one WriteBatch, one fsync).
constexpr size_t kMaxGroupCommits = 256;

// Appends every operation of the batches it iterates to `out`, resolving
// column family ids to the handles of `db`.
class BatchCopier final : public rocksdb::WriteBatch::Handler {
 public:
  BatchCopier(Database& db, rocksdb::WriteBatch& out) : out_(out) {
    families_.push_back(db.db().DefaultColumnFamily());
    for (const std::string& name : ColumnFamilyNames()) {
      if (rocksdb::ColumnFamilyHandle* family = db.Family(name)) {
        families_.push_back(family);
      }
    }
  }

  rocksdb::Status PutCF(uint32_t id, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    rocksdb::ColumnFamilyHandle* family = Family(id);
    if (family == nullptr) return UnknownFamily(id);
    return out_.Put(family, key, value);
  }
  rocksdb::Status DeleteCF(uint32_t id, const rocksdb::Slice& key) override {
    rocksdb::ColumnFamilyHandle* family = Family(id);
    if (family == nullptr) return UnknownFamily(id);
    return out_.Delete(family, key);
  }
  rocksdb::Status SingleDeleteCF(uint32_t id,
                                 const rocksdb::Slice& key) override {
    rocksdb::ColumnFamilyHandle* family = Family(id);
    if (family == nullptr) return UnknownFamily(id);
    return out_.SingleDelete(family, key);
  }
  rocksdb::Status DeleteRangeCF(uint32_t id, const rocksdb::Slice& begin,
                                const rocksdb::Slice& end) override {
    rocksdb::ColumnFamilyHandle* family = Family(id);
    if (family == nullptr) return UnknownFamily(id);
    return out_.DeleteRange(family, begin, end);
  }
  rocksdb::Status MergeCF(uint32_t id, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    rocksdb::ColumnFamilyHandle* family = Family(id);
    if (family == nullptr) return UnknownFamily(id);
    return out_.Merge(family, key, value);
  }
  void LogData(const rocksdb::Slice& blob) override {
    out_.PutLogData(blob).PermitUncheckedError();
  }

 private:
  rocksdb::ColumnFamilyHandle* Family(uint32_t id) const {
    for (rocksdb::ColumnFamilyHandle* family : families_) {
      if (family->GetID() == id) return family;
    }
    return nullptr;
  }
  static rocksdb::Status UnknownFamily(uint32_t id) {
    return rocksdb::Status::InvalidArgument(
        "a commit's batch names an unknown column family id " +
        std::to_string(id));
  }

  rocksdb::WriteBatch& out_;
  // Every family of the database, the default one included.
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(Database& db,
                                                         const Clock& clock) {
  absl::StatusOr<AuditHead> head = ReadAuditHead(db);
  if (absl::IsDataLoss(head.status())) {
    return absl::DataLossError(
        absl::StrCat(head.status().message(),
                     "; until then the audit log cannot be continued"));
  }
  if (!head.ok()) return head.status();
  std::unique_ptr<AuditLog> log(new AuditLog(db, clock));
  absl::MutexLock lock(&log->mu_);
  log->last_sequence_ = head->sequence;
  log->last_hash_hex_ = std::move(head->hash_hex);
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
  Pending mine{&batch, &event, before_write ? &before_write : nullptr};
  mu_.Lock();
  queue_.push_back(&mine);
  // Either a group takes this commit along, or this one is first in line
  // once the group before it is written and takes the queue itself.
  const auto ready = [this, &mine]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return mine.done || (!writing_ && queue_.front() == &mine);
  };
  mu_.Await(absl::Condition(&ready));
  if (!mine.done) {
    writing_ = true;
    const size_t take = std::min(queue_.size(), kMaxGroupCommits);
    std::vector<Pending*> group(queue_.begin(), queue_.begin() + take);
    queue_.erase(queue_.begin(), queue_.begin() + take);
    uint64_t sequence = last_sequence_;
    std::string hash_hex = last_hash_hex_;
    mu_.Unlock();
    const rocksdb::Status status = WriteGroup(group, sequence, hash_hex);
    mu_.Lock();
    if (status.ok()) {
      last_sequence_ = sequence;
      last_hash_hex_ = std::move(hash_hex);
    }
    for (Pending* pending : group) {
      pending->status = status;
      pending->done = true;
    }
    writing_ = false;
  }
  mu_.Unlock();
  if (!mine.status.ok()) {
    return FromRocksStatus(
        mine.status, absl::StrCat("writing ", what, " and its audit event"));
  }
  return event;
}

rocksdb::Status AuditLog::WriteGroup(const std::vector<Pending*>& group,
                                     uint64_t& sequence,
                                     std::string& hash_hex) {
  for (Pending* pending : group) {
    AuditEvent& event = *pending->event;
    event.set_sequence(sequence + 1);
    *event.mutable_recorded_at() = ToProtoTimestamp(clock_.Now());
    event.set_previous_hash_hex(hash_hex);
    event.clear_hash_hex();
    event.set_hash_hex(AuditEventHash(event));
    if (pending->before_write != nullptr) (*pending->before_write)(event);
    rocksdb::Status status =
        pending->batch->Put(db_.audit(), keys::AuditKey(event.sequence()),
                            event.SerializeAsString());
    if (!status.ok()) return status;
    sequence = event.sequence();
    hash_hex = event.hash_hex();
  }
  rocksdb::WriteOptions synced;
  synced.sync = true;
  if (group.size() == 1) return db_.db().Write(synced, group[0]->batch);
  // One batch: RocksDB applies it atomically, after one synced WAL write.
  rocksdb::WriteBatch merged;
  BatchCopier copier(db_, merged);
  for (Pending* pending : group) {
    rocksdb::Status status = pending->batch->Iterate(&copier);
    if (!status.ok()) return status;
  }
  return db_.db().Write(synced, &merged);
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

absl::StatusOr<AuditHead> ReadAuditHead(Database& db) {
  const std::string prefix = keys::AuditPrefix();
  std::unique_ptr<rocksdb::Iterator> it(
      db.db().NewIterator(rocksdb::ReadOptions(), db.audit()));
  it->SeekForPrev(keys::PrefixEnd(prefix));
  AuditHead head;
  if (it->Valid() && it->key().starts_with(prefix)) {
    AuditEvent last;
    if (!last.ParseFromArray(it->value().data(),
                             static_cast<int>(it->value().size())) ||
        last.hash_hex().empty()) {
      return absl::DataLossError(absl::StrCat(
          "the newest audit event in ", db.dir(),
          " is corrupt; run handin-admin audit verify on the data directory"));
    }
    head.sequence = last.sequence();
    head.hash_hex = std::move(*last.mutable_hash_hex());
  }
  if (absl::Status s = FromRocksStatus(it->status(), "reading the audit log");
      !s.ok()) {
    return s;
  }
  return head;
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
