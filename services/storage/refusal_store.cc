#include "services/storage/refusal_store.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/scan.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::RefusedAttempt;
using ::handin::storage::v1::AuditEvent;

absl::Status ValidateAttempt(const RefusedAttempt& attempt) {
  if (!attempt.attempt_id().empty()) {
    return absl::InvalidArgumentError(
        "the attempt carries an attempt_id; leave it empty, storage assigns "
        "it");
  }
  for (const auto& [what, value] : {std::pair<const char*, const std::string&>{
                                        "course_id", attempt.course_id()},
                                    {"item_id", attempt.item_id()},
                                    {"principal", attempt.principal()}}) {
    if (absl::Status s = keys::ValidateKeyComponent(what, value); !s.ok()) {
      return s;
    }
  }
  if (attempt.code().empty() || attempt.reason().empty()) {
    return absl::InvalidArgumentError(
        "a refused attempt needs its status code and reason");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RefusedAttempt> RefusalStore::Record(RefusedAttempt attempt) {
  if (absl::Status s = ValidateAttempt(attempt); !s.ok()) return s;
  const std::string& course = attempt.course_id();
  absl::StatusOr<std::string> id =
      ids_.Next(db_.refusals(), keys::RefusalPrefix(course));
  if (!id.ok()) return id.status();
  attempt.set_attempt_id(*std::move(id));

  // The indexes hold copies: an attempt is small and never changes, so a
  // listing is one prefix scan.
  const std::string value = attempt.SerializeAsString();
  rocksdb::WriteBatch batch;
  rocksdb::Status status = batch.Put(
      db_.refusals(), keys::RefusalKey(course, attempt.attempt_id()), value);
  if (status.ok()) {
    status = batch.Put(db_.indexes(),
                       keys::RefusalItemIndexKey(course, attempt.item_id(),
                                                 attempt.attempt_id()),
                       value);
  }
  if (status.ok()) {
    status = batch.Put(db_.indexes(),
                       keys::RefusalPrincipalIndexKey(
                           course, attempt.principal(), attempt.attempt_id()),
                       value);
  }
  if (!status.ok()) return FromRocksStatus(status, "preparing a refusal");

  AuditEvent event;
  event.set_kind(v1::AUDIT_EVENT_KIND_ATTEMPT_REFUSED);
  event.set_course_id(course);
  event.set_principal(attempt.principal());
  event.set_item_id(attempt.item_id());
  event.set_subject_id(attempt.attempt_id());
  event.set_sha256_hex(attempt.declared_sha256_hex());
  event.set_size_bytes(attempt.declared_size_bytes());
  event.set_actor(attempt.principal());
  event.set_reason(absl::StrCat(attempt.code(), ": ", attempt.reason()));
  absl::StatusOr<AuditEvent> written = audit_.Commit(
      batch, std::move(event),
      absl::StrCat("refused attempt ", attempt.attempt_id(), " of ", course));
  if (!written.ok()) return written.status();
  spdlog::info(
      "event=refusal_recorded course={} attempt={} item={} principal={} "
      "code={} audit_sequence={}",
      course, attempt.attempt_id(), attempt.item_id(), attempt.principal(),
      attempt.code(), written->sequence());
  return attempt;
}

absl::StatusOr<std::vector<RefusedAttempt>> RefusalStore::List(
    absl::string_view course_id, absl::string_view item_id,
    absl::string_view principal) {
  if (absl::Status s = keys::ValidateListQuery(course_id, item_id, principal);
      !s.ok()) {
    return s;
  }
  std::string prefix = keys::RefusalPrefix(course_id);
  rocksdb::ColumnFamilyHandle* family = db_.refusals();
  if (!item_id.empty()) {
    prefix = keys::RefusalItemIndexPrefix(course_id, item_id);
    family = db_.indexes();
  } else if (!principal.empty()) {
    prefix = keys::RefusalPrincipalIndexPrefix(course_id, principal);
    family = db_.indexes();
  }
  std::vector<RefusedAttempt> out;
  absl::Status status = ScanMessages<RefusedAttempt>(
      db_, family, prefix, absl::StrCat("the refused attempts of ", course_id),
      [&](RefusedAttempt attempt) {
        if (principal.empty() || attempt.principal() == principal) {
          out.push_back(std::move(attempt));
        }
      });
  if (!status.ok()) return status;
  return out;
}

}  // namespace handin::storage
