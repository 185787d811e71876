#include "services/storage/submission_store.h"

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"
#include "services/storage/staged_sweep.h"
#include "services/storage/store_options.h"
#include "services/storage/submission_id.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

using handin::common::v1::SubmissionRecord;

// WriteBatch bytes a chunk's batch needs besides the chunk: the batch
// header, the chunk's key and a resumable upload's staging entry (a
// StagedUpload of ids, a digest and a few numbers).
constexpr size_t kChunkBatchExtraBytes = 4096;

absl::Status ValidateRecord(const SubmissionRecord& record,
                            const std::string& course_id) {
  if (!record.submission_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the record carries submission_id \"", record.submission_id(),
        "\"; leave it empty, storage assigns it"));
  }
  if (record.course_id() != course_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("the record is for course \"", record.course_id(),
                     "\" but the upload's header named \"", course_id, "\""));
  }
  absl::Status status =
      keys::ValidateKeyComponent("the record's item_id", record.item_id());
  if (!status.ok()) return status;
  status =
      keys::ValidateKeyComponent("the record's principal", record.principal());
  if (!status.ok()) return status;
  if (record.idempotency_key().size() > kMaxIdempotencyKeyBytes ||
      record.idempotency_key().find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the record's idempotency_key is ", record.idempotency_key().size(),
        " bytes or holds a NUL byte; at most ", kMaxIdempotencyKeyBytes,
        " bytes without NUL"));
  }
  if (!IsSha256Hex(record.sha256_hex())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the record's sha256_hex \"", record.sha256_hex(),
                     "\" is not 64 lower-case hex digits"));
  }
  return absl::OkStatus();
}

// INVALID_ARGUMENT naming the first field where `record` differs from the
// resumable header `declared`.
absl::Status CheckRecordMatchesResumable(const SubmissionRecord& record,
                                         const v1::StagedUpload& declared) {
  const auto differs = [](absl::string_view field, const auto& in_record,
                          const auto& in_header) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the record's ", field, " is \"", in_record,
        "\" but the resumable header declared \"", in_header, "\""));
  };
  if (record.principal() != declared.principal()) {
    return differs("principal", record.principal(), declared.principal());
  }
  if (record.item_id() != declared.item_id()) {
    return differs("item_id", record.item_id(), declared.item_id());
  }
  if (record.size_bytes() != declared.size_bytes()) {
    return differs("size_bytes", record.size_bytes(), declared.size_bytes());
  }
  if (record.sha256_hex() != declared.sha256_hex()) {
    return differs("sha256_hex", record.sha256_hex(), declared.sha256_hex());
  }
  if (record.idempotency_key() != declared.idempotency_key()) {
    return differs("idempotency_key", record.idempotency_key(),
                   declared.idempotency_key());
  }
  return absl::OkStatus();
}

}  // namespace

Upload::~Upload() {
  if (open_) store_->Release(*this).IgnoreError();
}

absl::StatusOr<std::unique_ptr<SubmissionStore>> SubmissionStore::Open(
    const std::string& dir, const Clock& clock, const StoreOptions& options) {
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(dir, options);
  if (!db.ok()) return db.status();
  std::unique_ptr<SubmissionStore> store(
      new SubmissionStore(*std::move(db), clock, options));
  absl::StatusOr<SweepResult> swept = store->SweepStaged();
  if (!swept.ok()) return swept.status();
  spdlog::info(
      "event=store_opened data_dir={} blobs={} staged_kept={} "
      "staged_expired={} orphans_deleted={}",
      dir, swept->blobs, swept->staged_kept, swept->staged_expired,
      swept->orphans_deleted);
  absl::StatusOr<std::unique_ptr<AuditLog>> audit =
      AuditLog::Open(*store->db_, clock);
  if (!audit.ok()) return audit.status();
  store->audit_ = *std::move(audit);
  store->ids_ = std::make_unique<IdAllocator>(*store->db_, clock);
  store->extensions_ =
      std::make_unique<ExtensionStore>(*store->db_, clock, *store->audit_);
  store->refusals_ =
      std::make_unique<RefusalStore>(*store->db_, *store->ids_, *store->audit_);
  absl::MutexLock lock(&store->mu_);
  store->next_upload_id_ = swept->max_upload_id + 1;
  return store;
}

SubmissionStore::SubmissionStore(std::unique_ptr<Database> db,
                                 const Clock& clock,
                                 const StoreOptions& options)
    : db_(std::move(db)), clock_(clock), options_(options) {}

SubmissionStore::~SubmissionStore() {
  refusals_.reset();
  extensions_.reset();
  ids_.reset();
  audit_.reset();
  const std::string dir = db_->dir();
  db_.reset();
  spdlog::info("event=store_closed data_dir={}", dir);
}

absl::StatusOr<std::unique_ptr<Upload>> SubmissionStore::BeginUpload(
    absl::string_view course_id) {
  absl::Status valid = keys::ValidateKeyComponent("course_id", course_id);
  if (!valid.ok()) return valid;
  return NewUpload(std::string(course_id));
}

std::unique_ptr<Upload> SubmissionStore::NewUpload(std::string course_id) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_upload_id_++;
  live_upload_ids_.insert(id);
  return std::unique_ptr<Upload>(new Upload(this, std::move(course_id), id));
}

void SubmissionStore::Close(Upload& upload) {
  upload.open_ = false;
  absl::MutexLock lock(&mu_);
  live_upload_ids_.erase(upload.id_);
  if (upload.resumable()) live_staged_keys_.erase(upload.staged_key_);
}

absl::Status SubmissionStore::AppendChunk(Upload& upload, int64_t offset,
                                          absl::string_view data) {
  if (!upload.open_) {
    return absl::FailedPreconditionError(
        "the upload is already committed or aborted");
  }
  if (offset != upload.bytes_received_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunk offset is ", offset, " but ", upload.bytes_received_,
        " bytes have been received; expected offset ", upload.bytes_received_));
  }
  const auto size = static_cast<int64_t>(data.size());
  if (size > options_.max_chunk_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("chunk of ", size, " bytes is over the limit of ",
                     options_.max_chunk_bytes, " bytes; send smaller chunks"));
  }
  if (upload.bytes_received_ + size > options_.max_blob_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "upload would grow to ", upload.bytes_received_ + size,
        " bytes, over storage's limit of ", options_.max_blob_bytes, " bytes"));
  }
  if (upload.resumable() &&
      upload.bytes_received_ + size > upload.staged_.size_bytes()) {
    return absl::InvalidArgumentError(
        absl::StrCat("upload would grow to ", upload.bytes_received_ + size,
                     " bytes, past the ", upload.staged_.size_bytes(),
                     " bytes its header declared"));
  }
  if (size == 0) return absl::OkStatus();
  // Room for the chunk and what goes with it (its key, a resumable
  // upload's staging entry) from the start: a batch that grows copies the
  // whole chunk again.
  rocksdb::WriteBatch batch(data.size() + kChunkBatchExtraBytes);
  batch.Put(db_->blobs(), keys::ChunkKey(upload.id_, offset),
            rocksdb::Slice(data.data(), data.size()));
  const int64_t before = upload.bytes_received_;
  upload.bytes_received_ += size;
  if (upload.resumable()) PutStagedEntry(upload, batch);
  // Unsynced: the commit's synced write syncs the WAL, and with it these.
  absl::Status status =
      FromRocksStatus(db_->db().Write(rocksdb::WriteOptions(), &batch),
                      absl::StrCat("writing a chunk at offset ", offset));
  if (!status.ok()) {
    upload.bytes_received_ = before;
    upload.staged_.set_staged_bytes(before);
    return status;
  }
  upload.hasher_.Update(data);
  return absl::OkStatus();
}

absl::Status SubmissionStore::Abort(Upload& upload) {
  if (!upload.open_) return absl::OkStatus();
  // Deleted before the upload stops being live, so no sweep sees its
  // chunks unowned in between (it would only delete them too).
  absl::Status deleted = DeleteStaged(upload.id_, upload.staged_key_);
  Close(upload);
  return deleted;
}

absl::Status SubmissionStore::Release(Upload& upload) {
  if (!upload.open_) return absl::OkStatus();
  if (!upload.resumable()) return Abort(upload);
  Close(upload);
  spdlog::info(
      "event=resumable_released course={} principal={} idempotency_key={} "
      "staged_bytes={}",
      upload.course_id_, upload.staged_.principal(),
      upload.staged_.idempotency_key(), upload.bytes_received_);
  return absl::OkStatus();
}

absl::Status SubmissionStore::DeleteStaged(uint64_t upload_id,
                                           const std::string& staged_key) {
  rocksdb::WriteBatch batch;
  const std::string prefix = keys::UploadChunkPrefix(upload_id);
  batch.DeleteRange(db_->blobs(), prefix, keys::PrefixEnd(prefix));
  if (!staged_key.empty()) batch.Delete(db_->blobs(), staged_key);
  return FromRocksStatus(db_->db().Write(rocksdb::WriteOptions(), &batch),
                         "deleting the staged bytes of an unfinished upload");
}

absl::StatusOr<SubmissionRecord> SubmissionStore::Commit(
    Upload& upload, SubmissionRecord record, bool* replayed) {
  if (replayed != nullptr) *replayed = false;
  if (!upload.open_) {
    return absl::FailedPreconditionError(
        "the upload is already committed or aborted");
  }
  // Every outcome but a new record leaves nothing but staged chunks: delete
  // them.
  absl::Cleanup abort = [&] { Abort(upload).IgnoreError(); };
  if (record.course_id().empty()) record.set_course_id(upload.course_id_);
  absl::Status status = ValidateRecord(record, upload.course_id_);
  if (status.ok() && upload.resumable()) {
    status = CheckRecordMatchesResumable(record, upload.staged_);
  }
  if (!status.ok()) return status;
  if (record.size_bytes() != upload.bytes_received_) {
    return absl::DataLossError(absl::StrCat(
        "received ", upload.bytes_received_, " bytes but the record declares ",
        record.size_bytes(), "; the upload was truncated or padded"));
  }
  const std::string actual_sha = upload.hasher_.HexDigest();
  if (actual_sha != record.sha256_hex()) {
    return absl::DataLossError(
        absl::StrCat("received bytes hash to SHA-256 ", actual_sha,
                     " but the record declares ", record.sha256_hex()));
  }

  // Copies: `record` is moved into the return value before the cleanups
  // below run.
  const std::string sha = record.sha256_hex();
  const std::string idem =
      record.idempotency_key().empty()
          ? ""
          : keys::IdempotencyKey(record.course_id(), record.principal(),
                                 record.idempotency_key());
  {
    absl::MutexLock lock(&mu_);
    const auto free = [this, &sha, &idem]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !committing_blobs_.contains(sha) &&
             (idem.empty() || !committing_keys_.contains(idem));
    };
    mu_.Await(absl::Condition(&free));
    committing_blobs_.insert(sha);
    if (!idem.empty()) committing_keys_.insert(idem);
  }
  absl::Cleanup release = [&] {
    absl::MutexLock lock(&mu_);
    committing_blobs_.erase(sha);
    if (!idem.empty()) committing_keys_.erase(idem);
  };

  absl::StatusOr<std::optional<SubmissionRecord>> replay = FindReplay(record);
  if (!replay.ok()) return replay.status();
  if (replay->has_value()) {
    if (replayed != nullptr) *replayed = true;
    spdlog::info(
        "event=replayed course={} submission={} principal={} "
        "idempotency_key={}",
        record.course_id(), (*replay)->submission_id(), record.principal(),
        record.idempotency_key());
    return **std::move(replay);
  }
  absl::StatusOr<std::string> id = ids_->Next(
      db_->submissions(), keys::SubmissionPrefix(record.course_id()));
  if (!id.ok()) return id.status();
  record.set_submission_id(*std::move(id));
  absl::StatusOr<SubmissionRecord> written =
      WriteSubmission(upload, std::move(record));
  if (!written.ok()) return written.status();
  std::move(abort).Cancel();
  Close(upload);
  return written;
}

absl::StatusOr<std::optional<SubmissionRecord>> SubmissionStore::FindReplay(
    const SubmissionRecord& record) {
  if (record.idempotency_key().empty()) return std::nullopt;
  absl::StatusOr<std::optional<SubmissionRecord>> existing =
      FindByIdempotencyKey(record.course_id(), record.principal(),
                           record.idempotency_key());
  if (!existing.ok() || !existing->has_value()) return existing;
  const SubmissionRecord& found = **existing;
  if (found.sha256_hex() == record.sha256_hex() &&
      found.size_bytes() == record.size_bytes() &&
      found.item_id() == record.item_id()) {
    return existing;
  }
  return absl::AlreadyExistsError(absl::StrCat(
      "idempotency key \"", record.idempotency_key(),
      "\" was already used for submission ", found.submission_id(), " (item ",
      found.item_id(), ", SHA-256 ", found.sha256_hex(),
      "); this upload has other content (item ", record.item_id(), ", SHA-256 ",
      record.sha256_hex(), "); a new upload needs a new idempotency key"));
}

absl::StatusOr<SubmissionRecord> SubmissionStore::WriteSubmission(
    const Upload& upload, SubmissionRecord record) {
  const std::string& sha = record.sha256_hex();
  rocksdb::WriteBatch batch;
  std::string existing;
  const std::string blob_key = keys::BlobKey(sha);
  rocksdb::Status found =
      db_->db().Get(rocksdb::ReadOptions(), db_->blobs(), blob_key, &existing);
  const bool dedupe = found.ok();
  if (found.IsNotFound()) {
    batch.Put(db_->blobs(), blob_key,
              keys::EncodeManifest({upload.id_, record.size_bytes()}));
  } else if (dedupe) {
    // The same bytes are already stored: share them, drop the new copy.
    const std::string prefix = keys::UploadChunkPrefix(upload.id_);
    batch.DeleteRange(db_->blobs(), prefix, keys::PrefixEnd(prefix));
  } else {
    return FromRocksStatus(found, absl::StrCat("looking up blob ", sha));
  }
  if (upload.resumable()) batch.Delete(db_->blobs(), upload.staged_key_);
  const std::string& course = record.course_id();
  const std::string& id = record.submission_id();
  batch.Put(db_->indexes(), keys::ItemIndexKey(course, record.item_id(), id),
            "");
  batch.Put(db_->indexes(),
            keys::PrincipalIndexKey(course, record.principal(), id), "");
  if (!record.idempotency_key().empty()) {
    batch.Put(db_->indexes(),
              keys::IdempotencyKey(course, record.principal(),
                                   record.idempotency_key()),
              id);
  }
  v1::AuditEvent event;
  event.set_kind(v1::AUDIT_EVENT_KIND_SUBMISSION_ACCEPTED);
  event.set_course_id(course);
  event.set_principal(record.principal());
  event.set_item_id(record.item_id());
  event.set_subject_id(id);
  event.set_sha256_hex(sha);
  event.set_size_bytes(record.size_bytes());
  event.set_actor(record.principal());
  event.set_reason(
      absl::StrCat(common::v1::VerdictKind_Name(record.verdict().kind()), ": ",
                   record.verdict().reason()));
  // The record names its audit event, so it is added once the event is
  // complete, to the same batch.
  absl::StatusOr<v1::AuditEvent> written = audit_->Commit(
      batch, std::move(event), DescribeSubmission(course, id),
      [&](const v1::AuditEvent& complete) {
        *record.mutable_committed_at() = complete.recorded_at();
        record.set_audit_sequence(complete.sequence());
        record.set_audit_hash_hex(complete.hash_hex());
        batch.Put(db_->submissions(), keys::SubmissionKey(course, id),
                  record.SerializeAsString());
      });
  if (!written.ok()) return written.status();
  spdlog::info(
      "event=committed course={} submission={} item={} principal={} bytes={} "
      "sha256={} dedupe={} audit_sequence={}",
      course, id, record.item_id(), record.principal(), record.size_bytes(),
      sha, dedupe, written->sequence());
  return record;
}

}  // namespace handin::storage
