// Resumable uploads: the staging entry's encoding, and the SubmissionStore
// calls that start, resume and query them.

#include "services/storage/staged_uploads.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"
#include "services/storage/submission_store.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

constexpr unsigned char kStagedEntryVersion = 1;
constexpr size_t kStagedEntryHeader = 1 + 8;

// Returns FAILED_PRECONDITION naming `field` and both values unless they
// are equal.
template <typename T>
absl::Status RequireSame(absl::string_view field, const T& staged,
                         const T& resumed) {
  if (staged == resumed) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the header's resumable.", field, " is \"", resumed,
                   "\" but the upload staged under this key has \"", staged,
                   "\"; resume with the staged values, or start over with "
                   "resume_offset 0"));
}

}  // namespace

std::string EncodeStagedEntry(const StagedEntry& entry) {
  std::string out;
  out.push_back(static_cast<char>(kStagedEntryVersion));
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((entry.upload_id >> shift) & 0xff));
  }
  entry.upload.AppendToString(&out);
  return out;
}

absl::StatusOr<StagedEntry> DecodeStagedEntry(absl::string_view value) {
  StagedEntry entry;
  if (value.size() < kStagedEntryHeader ||
      static_cast<unsigned char>(value[0]) != kStagedEntryVersion ||
      !entry.upload.ParseFromArray(
          value.data() + kStagedEntryHeader,
          static_cast<int>(value.size() - kStagedEntryHeader))) {
    return absl::DataLossError(absl::StrCat("malformed staged upload entry of ",
                                            value.size(), " bytes"));
  }
  for (size_t i = 1; i < kStagedEntryHeader; ++i) {
    entry.upload_id =
        (entry.upload_id << 8) | static_cast<unsigned char>(value[i]);
  }
  return entry;
}

absl::Status ValidateResumable(const v1::StagedUpload& declared,
                               absl::string_view course_id) {
  if (declared.course_id() != course_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("resumable.course_id is \"", declared.course_id(),
                     "\" but the header's course_id is \"", course_id, "\""));
  }
  for (const auto& [what, value] :
       {std::pair<const char*, const std::string&>{"resumable.principal",
                                                   declared.principal()},
        {"resumable.idempotency_key", declared.idempotency_key()},
        {"resumable.item_id", declared.item_id()}}) {
    if (absl::Status s = keys::ValidateKeyComponent(what, value); !s.ok()) {
      return s;
    }
  }
  if (declared.idempotency_key().size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resumable.idempotency_key is ", declared.idempotency_key().size(),
        " bytes; at most ", kMaxIdempotencyKeyBytes));
  }
  if (declared.size_bytes() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resumable.size_bytes is negative (", declared.size_bytes(), ")"));
  }
  if (!IsSha256Hex(declared.sha256_hex())) {
    return absl::InvalidArgumentError(
        absl::StrCat("resumable.sha256_hex \"", declared.sha256_hex(),
                     "\" is not 64 lower-case hex digits"));
  }
  if (!declared.has_started_at()) {
    return absl::InvalidArgumentError(
        "resumable.started_at is required (when intake accepted the first "
        "attempt)");
  }
  return absl::OkStatus();
}

absl::Status CheckSameUpload(const v1::StagedUpload& staged,
                             const v1::StagedUpload& resumed) {
  absl::Status status =
      RequireSame("principal", staged.principal(), resumed.principal());
  if (status.ok()) {
    status = RequireSame("item_id", staged.item_id(), resumed.item_id());
  }
  if (status.ok()) {
    status =
        RequireSame("size_bytes", staged.size_bytes(), resumed.size_bytes());
  }
  if (status.ok()) {
    status =
        RequireSame("sha256_hex", staged.sha256_hex(), resumed.sha256_hex());
  }
  if (status.ok()) {
    status = RequireSame("started_at",
                         FormatUtc(FromProtoTimestamp(staged.started_at())),
                         FormatUtc(FromProtoTimestamp(resumed.started_at())));
  }
  return status;
}

absl::StatusOr<std::unique_ptr<Upload>> SubmissionStore::BeginUpload(
    const v1::PutHeader& header) {
  if (header.resume_offset() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resume_offset is negative (", header.resume_offset(), ")"));
  }
  if (!header.has_resumable()) {
    if (header.resume_offset() != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("resume_offset is ", header.resume_offset(),
                       " but the header has no `resumable`: only a resumable "
                       "upload can be resumed"));
    }
    return BeginUpload(header.course_id());
  }
  absl::Status valid =
      keys::ValidateKeyComponent("course_id", header.course_id());
  if (valid.ok()) {
    valid = ValidateResumable(header.resumable(), header.course_id());
  }
  if (!valid.ok()) return valid;
  const v1::StagedUpload& declared = header.resumable();
  std::string staged_key = keys::StagedUploadKey(
      declared.course_id(), declared.principal(), declared.idempotency_key());
  {
    absl::MutexLock lock(&mu_);
    if (!live_staged_keys_.insert(staged_key).second) {
      return absl::FailedPreconditionError(absl::StrCat(
          "another upload with this key is in progress (idempotency key \"",
          declared.idempotency_key(), "\" of ", declared.principal(),
          "); wait for it to end, then resume"));
    }
  }
  absl::StatusOr<std::unique_ptr<Upload>> upload =
      BeginResumable(declared, header.resume_offset(), staged_key);
  if (!upload.ok()) {
    absl::MutexLock lock(&mu_);
    live_staged_keys_.erase(staged_key);
  }
  return upload;
}

absl::StatusOr<std::unique_ptr<Upload>> SubmissionStore::BeginResumable(
    const v1::StagedUpload& declared, int64_t resume_offset,
    const std::string& staged_key) {
  std::string value;
  rocksdb::Status found =
      db_->db().Get(rocksdb::ReadOptions(), db_->blobs(), staged_key, &value);
  if (!found.ok() && !found.IsNotFound()) {
    return FromRocksStatus(found, "reading a staged upload");
  }
  std::optional<StagedEntry> staged;
  if (found.ok()) {
    absl::StatusOr<StagedEntry> entry = DecodeStagedEntry(value);
    if (!entry.ok()) return entry.status();
    staged = *std::move(entry);
  }
  std::unique_ptr<Upload> upload;
  rocksdb::WriteBatch batch;
  if (resume_offset == 0) {
    // Start over: the old bytes, if any, go in the new entry's batch.
    if (staged.has_value()) {
      const std::string prefix = keys::UploadChunkPrefix(staged->upload_id);
      batch.DeleteRange(db_->blobs(), prefix, keys::PrefixEnd(prefix));
    }
    upload = NewUpload(declared.course_id());
    upload->staged_ = declared;
    upload->staged_.set_staged_bytes(0);
  } else {
    if (!staged.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "resume_offset is ", resume_offset,
          " but nothing is staged under idempotency key \"",
          declared.idempotency_key(),
          "\" (0 bytes staged: it was committed, expired or never started); "
          "ask QueryUpload, or start over with resume_offset 0"));
    }
    absl::Status same = CheckSameUpload(staged->upload, declared);
    if (!same.ok()) return same;
    if (resume_offset != staged->upload.staged_bytes()) {
      return absl::FailedPreconditionError(
          absl::StrCat("resume_offset is ", resume_offset, " but ",
                       staged->upload.staged_bytes(),
                       " bytes are staged under this key; resume at ",
                       staged->upload.staged_bytes()));
    }
    upload.reset(new Upload(this, declared.course_id(), staged->upload_id));
    {
      absl::MutexLock lock(&mu_);
      live_upload_ids_.insert(staged->upload_id);
    }
    upload->staged_ = std::move(staged->upload);
    upload->staged_key_ = staged_key;
    absl::Status rehashed = RehashStaged(*upload, resume_offset);
    if (!rehashed.ok()) {
      // Drop the upload without touching what is staged.
      Close(*upload);
      return rehashed;
    }
  }
  upload->staged_key_ = staged_key;
  PutStagedEntry(*upload, batch);
  absl::Status written =
      FromRocksStatus(db_->db().Write(rocksdb::WriteOptions(), &batch),
                      "writing a staged upload's entry");
  if (!written.ok()) {
    Close(*upload);
    return written;
  }
  spdlog::info(
      "event=resumable_started course={} principal={} idempotency_key={} "
      "resume_offset={}",
      declared.course_id(), declared.principal(), declared.idempotency_key(),
      resume_offset);
  return upload;
}

absl::Status SubmissionStore::RehashStaged(Upload& upload,
                                           int64_t staged_bytes) {
  const std::string prefix = keys::UploadChunkPrefix(upload.id_);
  const std::string end = keys::PrefixEnd(prefix);
  const rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &end_slice;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(read, db_->blobs()));
  const auto damaged = [&](absl::string_view what) {
    return absl::DataLossError(
        absl::StrCat("the bytes staged under idempotency key \"",
                     upload.staged_.idempotency_key(), "\" are damaged (", what,
                     "); start over with resume_offset 0"));
  };
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    absl::StatusOr<keys::ChunkKeyParts> parts =
        keys::ParseChunkKey(ToStringView(it->key()));
    if (!parts.ok()) return parts.status();
    if (parts->offset != upload.bytes_received_) {
      return damaged(absl::StrCat("a chunk at offset ", parts->offset,
                                  " follows ", upload.bytes_received_,
                                  " contiguous bytes"));
    }
    upload.hasher_.Update(ToStringView(it->value()));
    upload.bytes_received_ += static_cast<int64_t>(it->value().size());
  }
  absl::Status status = FromRocksStatus(it->status(), "reading staged bytes");
  if (!status.ok()) return status;
  if (upload.bytes_received_ != staged_bytes) {
    return damaged(absl::StrCat(upload.bytes_received_,
                                " bytes are stored but the entry counts ",
                                staged_bytes));
  }
  return absl::OkStatus();
}

void SubmissionStore::PutStagedEntry(Upload& upload,
                                     rocksdb::WriteBatch& batch) {
  upload.staged_.set_staged_bytes(upload.bytes_received_);
  *upload.staged_.mutable_last_write_at() = ToProtoTimestamp(clock_.Now());
  batch.Put(db_->blobs(), upload.staged_key_,
            EncodeStagedEntry({upload.id_, upload.staged_}));
}

absl::StatusOr<UploadQuery> SubmissionStore::QueryUpload(
    absl::string_view course_id, absl::string_view principal,
    absl::string_view idempotency_key) {
  UploadQuery query;
  absl::StatusOr<std::optional<handin::common::v1::SubmissionRecord>> record =
      FindByIdempotencyKey(course_id, principal, idempotency_key);
  if (!record.ok()) return record.status();
  if (record->has_value()) {
    query.record = **std::move(record);
    return query;
  }
  std::string value;
  rocksdb::Status found = db_->db().Get(
      rocksdb::ReadOptions(), db_->blobs(),
      keys::StagedUploadKey(course_id, principal, idempotency_key), &value);
  if (found.IsNotFound()) return query;
  if (!found.ok()) return FromRocksStatus(found, "reading a staged upload");
  absl::StatusOr<StagedEntry> entry = DecodeStagedEntry(value);
  if (!entry.ok()) return entry.status();
  query.staged = std::move(entry->upload);
  return query;
}

}  // namespace handin::storage
