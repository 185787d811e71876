// The read side of SubmissionStore: records, listings, idempotency
// lookups and blobs.

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"
#include "services/storage/submission_id.h"
#include "services/storage/submission_store.h"

namespace handin::storage {
namespace {

using handin::common::v1::SubmissionRecord;

}  // namespace

absl::StatusOr<SubmissionRecord> SubmissionStore::ReadRecord(
    const std::string& key, absl::string_view course_id,
    absl::string_view submission_id) {
  std::string value;
  rocksdb::Status status =
      db_->db().Get(rocksdb::ReadOptions(), db_->submissions(), key, &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("no ", DescribeSubmission(course_id, submission_id)));
  }
  if (!status.ok()) {
    return FromRocksStatus(
        status,
        absl::StrCat("reading ", DescribeSubmission(course_id, submission_id)));
  }
  SubmissionRecord record;
  if (!record.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat(
        "the stored record of ", DescribeSubmission(course_id, submission_id),
        " is corrupt"));
  }
  return record;
}

absl::StatusOr<SubmissionRecord> SubmissionStore::Get(
    absl::string_view course_id, absl::string_view submission_id) {
  absl::Status valid = keys::ValidateKeyComponent("course_id", course_id);
  if (!valid.ok()) return valid;
  valid = keys::ValidateKeyComponent("submission_id", submission_id);
  if (!valid.ok()) return valid;
  return ReadRecord(keys::SubmissionKey(course_id, submission_id), course_id,
                    submission_id);
}

absl::StatusOr<std::vector<SubmissionRecord>> SubmissionStore::List(
    absl::string_view course_id, absl::string_view item_id,
    absl::string_view principal) {
  absl::Status valid = keys::ValidateListQuery(course_id, item_id, principal);
  if (!valid.ok()) return valid;
  std::vector<SubmissionRecord> out;
  absl::Status status;
  if (!item_id.empty()) {
    status = ListIndex(keys::ItemIndexPrefix(course_id, item_id), course_id,
                       principal, &out);
  } else if (!principal.empty()) {
    status = ListIndex(keys::PrincipalIndexPrefix(course_id, principal),
                       course_id, "", &out);
  } else {
    const std::string prefix = keys::SubmissionPrefix(course_id);
    const std::string end = keys::PrefixEnd(prefix);
    const rocksdb::Slice end_slice(end);
    rocksdb::ReadOptions read;
    read.iterate_upper_bound = &end_slice;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->db().NewIterator(read, db_->submissions()));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      SubmissionRecord& record = out.emplace_back();
      if (!record.ParseFromArray(it->value().data(),
                                 static_cast<int>(it->value().size()))) {
        return absl::DataLossError(
            absl::StrCat("the stored record under key suffix \"",
                         ToStringView(it->key()).substr(prefix.size()),
                         "\" of course ", course_id, " is corrupt"));
      }
    }
    status = FromRocksStatus(
        it->status(), absl::StrCat("listing submissions of ", course_id));
  }
  if (!status.ok()) return status;
  return out;
}

absl::Status SubmissionStore::ListIndex(const std::string& prefix,
                                        absl::string_view course_id,
                                        absl::string_view principal_filter,
                                        std::vector<SubmissionRecord>* out) {
  const std::string end = keys::PrefixEnd(prefix);
  const rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db().NewIterator(read, db_->indexes()));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const absl::string_view id = ToStringView(it->key()).substr(prefix.size());
    absl::StatusOr<SubmissionRecord> record =
        ReadRecord(keys::SubmissionKey(course_id, id), course_id, id);
    if (absl::IsNotFound(record.status())) {
      return absl::DataLossError(absl::StrCat("an index names ",
                                              DescribeSubmission(course_id, id),
                                              " but it is missing"));
    }
    if (!record.ok()) return record.status();
    if (!principal_filter.empty() && record->principal() != principal_filter) {
      continue;
    }
    out->push_back(*std::move(record));
  }
  return FromRocksStatus(it->status(),
                         absl::StrCat("listing submissions of ", course_id));
}

absl::StatusOr<std::unique_ptr<BlobReader>> SubmissionStore::OpenBlob(
    absl::string_view course_id, absl::string_view submission_id,
    size_t piece_bytes) {
  absl::StatusOr<SubmissionRecord> record = Get(course_id, submission_id);
  if (!record.ok()) return record.status();
  const std::string what = DescribeSubmission(course_id, submission_id);
  std::string value;
  rocksdb::Status status =
      db_->db().Get(rocksdb::ReadOptions(), db_->blobs(),
                    keys::BlobKey(record->sha256_hex()), &value);
  if (status.IsNotFound()) {
    return absl::DataLossError(absl::StrCat("the bytes of ", what, " (SHA-256 ",
                                            record->sha256_hex(),
                                            ") are missing"));
  }
  if (!status.ok()) {
    return FromRocksStatus(status,
                           absl::StrCat("looking up the blob of ", what));
  }
  absl::StatusOr<keys::BlobManifest> manifest = keys::DecodeManifest(value);
  if (!manifest.ok()) return manifest.status();
  if (manifest->size_bytes != record->size_bytes()) {
    return absl::DataLossError(
        absl::StrCat("the blob of ", what, " holds ", manifest->size_bytes,
                     " bytes but the record says ", record->size_bytes()));
  }
  return std::unique_ptr<BlobReader>(
      new BlobReader(*db_, manifest->upload_id, record->size_bytes(),
                     record->sha256_hex(), what, piece_bytes));
}

absl::StatusOr<std::optional<SubmissionRecord>>
SubmissionStore::FindByIdempotencyKey(absl::string_view course_id,
                                      absl::string_view principal,
                                      absl::string_view idempotency_key) {
  for (const auto& [what, value] :
       {std::pair<const char*, absl::string_view>{"course_id", course_id},
        {"principal", principal},
        {"idempotency_key", idempotency_key}}) {
    if (absl::Status s = keys::ValidateKeyComponent(what, value); !s.ok()) {
      return s;
    }
  }
  std::string id;
  rocksdb::Status status = db_->db().Get(
      rocksdb::ReadOptions(), db_->indexes(),
      keys::IdempotencyKey(course_id, principal, idempotency_key), &id);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) {
    return FromRocksStatus(
        status, absl::StrCat("looking up idempotency key ", idempotency_key));
  }
  absl::StatusOr<SubmissionRecord> record =
      ReadRecord(keys::SubmissionKey(course_id, id), course_id, id);
  if (absl::IsNotFound(record.status())) {
    return absl::DataLossError(
        absl::StrCat("idempotency key ", idempotency_key, " names ",
                     DescribeSubmission(course_id, id), " but it is missing"));
  }
  if (!record.ok()) return record.status();
  return *std::move(record);
}

}  // namespace handin::storage
