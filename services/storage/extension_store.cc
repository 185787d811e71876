#include "services/storage/extension_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"
#include "services/storage/scan.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Extension;
using ::handin::storage::v1::AUDIT_EVENT_KIND_EXTENSION_GRANTED;
using ::handin::storage::v1::AUDIT_EVENT_KIND_EXTENSION_REVOKED;
using ::handin::storage::v1::AuditEvent;
using ::handin::storage::v1::AuditEventKind;
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

// An audit event of `kind` about `extension`'s subject.
AuditEvent ExtensionEvent(AuditEventKind kind, const Extension& extension,
                          absl::string_view actor, absl::string_view reason) {
  AuditEvent event;
  event.set_kind(kind);
  event.set_course_id(extension.course_id());
  event.set_principal(extension.principal());
  event.set_item_id(extension.item_id());
  event.set_actor(std::string(actor));
  event.set_reason(std::string(reason));
  return event;
}

absl::Status RequireText(absl::string_view what, absl::string_view value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " is required"));
}

}  // namespace

absl::StatusOr<std::optional<Extension>> ExtensionStore::Read(
    const std::string& key) {
  std::string value;
  rocksdb::Status status =
      db_.db().Get(rocksdb::ReadOptions(), db_.extensions(), key, &value);
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
                                            AuditEvent event) {
  rocksdb::WriteBatch batch;
  rocksdb::Status status =
      value != nullptr
          ? batch.Put(db_.extensions(), key, value->SerializeAsString())
          : batch.Delete(db_.extensions(), key);
  if (!status.ok()) {
    return FromRocksStatus(status, "preparing an extension change");
  }
  const std::string what =
      absl::StrCat("an extension change of ", event.course_id());
  return audit_.Commit(batch, std::move(event), what).status();
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

  AuditEvent event =
      ExtensionEvent(AUDIT_EVENT_KIND_EXTENSION_GRANTED, extension,
                     extension.granted_by(), extension.reason());
  if (previous->has_value()) *event.mutable_old_extension() = **previous;
  *event.mutable_new_extension() = extension;
  if (absl::Status s = WriteWithAudit(key, &extension, std::move(event));
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
  AuditEvent event = ExtensionEvent(AUDIT_EVENT_KIND_EXTENSION_REVOKED,
                                    **existing, revoked_by, reason);
  *event.mutable_old_extension() = **existing;
  if (absl::Status s = WriteWithAudit(key, nullptr, std::move(event));
      !s.ok()) {
    return s;
  }
  return **std::move(existing);
}

absl::StatusOr<std::vector<Extension>> ExtensionStore::List(
    absl::string_view course_id, absl::string_view item_id,
    absl::string_view principal) {
  if (absl::Status s = keys::ValidateListQuery(course_id, item_id, principal);
      !s.ok()) {
    return s;
  }
  const std::string prefix =
      principal.empty() ? keys::CourseExtensionPrefix(course_id)
                        : keys::PrincipalExtensionPrefix(course_id, principal);
  std::vector<Extension> out;
  absl::Status status = ScanMessages<Extension>(
      db_, db_.extensions(), prefix,
      absl::StrCat("the extensions of ", course_id), [&](Extension extension) {
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
  absl::StatusOr<std::vector<AuditEvent>> events = audit_.List();
  if (!events.ok()) return events.status();
  std::vector<ExtensionAuditEntry> out;
  for (AuditEvent& event : *events) {
    const bool grant = event.kind() == AUDIT_EVENT_KIND_EXTENSION_GRANTED;
    if ((!grant && event.kind() != AUDIT_EVENT_KIND_EXTENSION_REVOKED) ||
        event.course_id() != course_id) {
      continue;
    }
    ExtensionAuditEntry& entry = out.emplace_back();
    entry.set_sequence(event.sequence());
    *entry.mutable_recorded_at() = event.recorded_at();
    entry.set_action(grant ? EXTENSION_ACTION_GRANT : EXTENSION_ACTION_REVOKE);
    entry.set_actor(std::move(*event.mutable_actor()));
    entry.set_reason(std::move(*event.mutable_reason()));
    if (event.has_old_extension()) {
      *entry.mutable_old_value() = std::move(*event.mutable_old_extension());
    }
    if (event.has_new_extension()) {
      *entry.mutable_new_value() = std::move(*event.mutable_new_extension());
    }
    entry.set_previous_sha256_hex(
        std::move(*event.mutable_previous_hash_hex()));
    entry.set_course_id(std::move(*event.mutable_course_id()));
  }
  return out;
}

}  // namespace handin::storage
