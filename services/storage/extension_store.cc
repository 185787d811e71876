#include "services/storage/extension_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Extension;
using ::handin::storage::v1::EXTENSION_ACTION_GRANT;
using ::handin::storage::v1::EXTENSION_ACTION_REVOKE;
using ::handin::storage::v1::ExtensionAuditEntry;

std::string Describe(absl::string_view course_id, absl::string_view item_id,
                     absl::string_view principal) {
  return absl::StrCat("the extension of ", item_id, " for ", principal, " in ",
                      course_id);
}

// Checks the ids that make up an extension's key.
absl::Status ValidateIds(absl::string_view course_id, absl::string_view item_id,
                         absl::string_view principal) {
  if (absl::Status s = keys::ValidateKeyComponent("course_id", course_id);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = keys::ValidateKeyComponent("item_id", item_id);
      !s.ok()) {
    return s;
  }
  return keys::ValidateKeyComponent("principal", principal);
}

absl::Status RequireText(absl::string_view what, absl::string_view value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " is required"));
}

// Calls `visit` with each parsed value under `prefix`, in key order.
template <typename Message, typename Visit>
absl::Status Scan(rocksdb::DB& db, const std::string& prefix,
                  absl::string_view what, Visit visit) {
  const std::string end = keys::PrefixEnd(prefix);
  const rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(read));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    Message message;
    if (!message.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("a stored entry of ", what, " is corrupt"));
    }
    visit(std::move(message));
  }
  return FromRocksStatus(it->status(), absl::StrCat("listing ", what));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExtensionStore>> ExtensionStore::Open(
    rocksdb::DB& db, const Clock& clock) {
  std::unique_ptr<ExtensionStore> store(new ExtensionStore(db, clock));
  const std::string prefix = keys::ExtensionAuditPrefix();
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(keys::PrefixEnd(prefix));
  absl::MutexLock lock(&store->mu_);
  if (it->Valid() && it->key().starts_with(prefix)) {
    ExtensionAuditEntry last;
    if (!last.ParseFromArray(it->value().data(),
                             static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          "the last extension audit entry is corrupt; the audit log cannot "
          "be continued");
    }
    store->last_sequence_ = last.sequence();
    store->last_sha256_hex_ = Sha256::Of(ToStringView(it->value()));
  }
  if (absl::Status s =
          FromRocksStatus(it->status(), "reading the extension audit log");
      !s.ok()) {
    return s;
  }
  return store;
}

absl::StatusOr<std::optional<Extension>> ExtensionStore::Read(
    const std::string& key) {
  std::string value;
  rocksdb::Status status = db_.Get(rocksdb::ReadOptions(), key, &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return FromRocksStatus(status, "reading an extension");
  Extension extension;
  if (!extension.ParseFromString(value)) {
    return absl::DataLossError("a stored extension is corrupt");
  }
  return extension;
}

absl::Status ExtensionStore::WriteWithAudit(const std::string& key,
                                            const Extension* value,
                                            ExtensionAuditEntry entry) {
  entry.set_sequence(last_sequence_ + 1);
  *entry.mutable_recorded_at() = ToProtoTimestamp(clock_.Now());
  entry.set_previous_sha256_hex(last_sha256_hex_);
  const std::string entry_bytes = entry.SerializeAsString();

  rocksdb::WriteBatch batch;
  rocksdb::Status status = value != nullptr
                               ? batch.Put(key, value->SerializeAsString())
                               : batch.Delete(key);
  if (status.ok()) {
    status = batch.Put(keys::ExtensionAuditKey(entry.sequence()), entry_bytes);
  }
  if (status.ok()) {
    rocksdb::WriteOptions synced;
    synced.sync = true;
    status = db_.Write(synced, &batch);
  }
  if (!status.ok()) {
    return FromRocksStatus(
        status, absl::StrCat("writing an extension change of ",
                             entry.course_id(), " and its audit entry"));
  }
  last_sequence_ = entry.sequence();
  last_sha256_hex_ = Sha256::Of(entry_bytes);
  return absl::OkStatus();
}

absl::StatusOr<PutExtensionResult> ExtensionStore::Put(Extension extension) {
  if (absl::Status s = ValidateIds(extension.course_id(), extension.item_id(),
                                   extension.principal());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("reason", extension.reason()); !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("granted_by", extension.granted_by());
      !s.ok()) {
    return s;
  }
  if (!extension.has_due_at()) {
    return absl::InvalidArgumentError("due_at is required");
  }
  const std::string key = keys::ExtensionKey(
      extension.course_id(), extension.principal(), extension.item_id());
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::optional<Extension>> previous = Read(key);
  if (!previous.ok()) return previous.status();
  *extension.mutable_granted_at() = ToProtoTimestamp(clock_.Now());

  ExtensionAuditEntry entry;
  entry.set_course_id(extension.course_id());
  entry.set_action(EXTENSION_ACTION_GRANT);
  entry.set_actor(extension.granted_by());
  entry.set_reason(extension.reason());
  if (previous->has_value()) *entry.mutable_old_value() = **previous;
  *entry.mutable_new_value() = extension;
  if (absl::Status s = WriteWithAudit(key, &extension, std::move(entry));
      !s.ok()) {
    return s;
  }
  return PutExtensionResult{std::move(extension), *std::move(previous)};
}

absl::StatusOr<Extension> ExtensionStore::Delete(absl::string_view course_id,
                                                 absl::string_view item_id,
                                                 absl::string_view principal,
                                                 absl::string_view revoked_by,
                                                 absl::string_view reason) {
  if (absl::Status s = ValidateIds(course_id, item_id, principal); !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("revoked_by", revoked_by); !s.ok()) return s;
  if (absl::Status s = RequireText("reason", reason); !s.ok()) return s;
  const std::string key = keys::ExtensionKey(course_id, principal, item_id);
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::optional<Extension>> existing = Read(key);
  if (!existing.ok()) return existing.status();
  if (!existing->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("there is no ", Describe(course_id, item_id, principal),
                     " to revoke (ListExtensions shows the ones there are)"));
  }
  ExtensionAuditEntry entry;
  entry.set_course_id(std::string(course_id));
  entry.set_action(EXTENSION_ACTION_REVOKE);
  entry.set_actor(std::string(revoked_by));
  entry.set_reason(std::string(reason));
  *entry.mutable_old_value() = **existing;
  if (absl::Status s = WriteWithAudit(key, nullptr, std::move(entry));
      !s.ok()) {
    return s;
  }
  return **std::move(existing);
}

absl::StatusOr<std::vector<Extension>> ExtensionStore::List(
    absl::string_view course_id, absl::string_view item_id,
    absl::string_view principal) {
  if (absl::Status s = keys::ValidateKeyComponent("course_id", course_id);
      !s.ok()) {
    return s;
  }
  for (absl::string_view filter : {item_id, principal}) {
    if (!filter.empty() && !keys::ValidateKeyComponent("filter", filter).ok()) {
      return absl::InvalidArgumentError(
          "item_id and principal must not contain a NUL byte");
    }
  }
  const std::string prefix =
      principal.empty() ? keys::CourseExtensionPrefix(course_id)
                        : keys::PrincipalExtensionPrefix(course_id, principal);
  std::vector<Extension> out;
  absl::Status status = Scan<Extension>(
      db_, prefix, absl::StrCat("the extensions of ", course_id),
      [&](Extension extension) {
        if (item_id.empty() || extension.item_id() == item_id) {
          out.push_back(std::move(extension));
        }
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<ExtensionAuditEntry>> ExtensionStore::ListAudit(
    absl::string_view course_id) {
  if (absl::Status s = keys::ValidateKeyComponent("course_id", course_id);
      !s.ok()) {
    return s;
  }
  std::vector<ExtensionAuditEntry> out;
  absl::Status status = Scan<ExtensionAuditEntry>(
      db_, keys::ExtensionAuditPrefix(), "the extension audit log",
      [&](ExtensionAuditEntry entry) {
        if (entry.course_id() == course_id) out.push_back(std::move(entry));
      });
  if (!status.ok()) return status;
  return out;
}

}  // namespace handin::storage
