#include "services/storage/submission_store.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
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

rocksdb::WriteOptions SyncedWrite() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

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
  if (!IsSha256Hex(record.sha256_hex())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the record's sha256_hex \"", record.sha256_hex(),
                     "\" is not 64 lower-case hex digits"));
  }
  return absl::OkStatus();
}

std::string Describe(absl::string_view course_id,
                     absl::string_view submission_id) {
  return absl::StrCat("submission ", submission_id, " of course ", course_id);
}

}  // namespace

Upload::~Upload() {
  if (open_) store_->Abort(*this).IgnoreError();
}

absl::StatusOr<std::unique_ptr<SubmissionStore>> SubmissionStore::Open(
    const std::string& dir, const Clock& clock, const StoreOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create the data directory ", dir, ": ", error.message()));
  }
  rocksdb::DB* db = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(ToRocksOptions(options), dir, &db);
  if (opened.IsIOError() &&
      opened.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database in ", dir,
        " is in use by another process (is another handin-storage running "
        "on it?): ",
        opened.ToString()));
  }
  if (!opened.ok()) {
    return FromRocksStatus(opened,
                           absl::StrCat("opening the database in ", dir));
  }
  std::unique_ptr<SubmissionStore> store(
      new SubmissionStore(db, dir, clock, options));
  absl::StatusOr<SweepResult> swept = SweepStagedChunks(*store->db_);
  if (!swept.ok()) return swept.status();
  spdlog::info("event=store_opened data_dir={} blobs={} swept_uploads={}", dir,
               swept->blobs, swept->swept_uploads);
  absl::StatusOr<std::unique_ptr<ExtensionStore>> extensions =
      ExtensionStore::Open(*store->db_, clock);
  if (!extensions.ok()) return extensions.status();
  store->extensions_ = *std::move(extensions);
  absl::MutexLock lock(&store->mu_);
  store->next_upload_id_ = swept->max_upload_id + 1;
  return store;
}

SubmissionStore::SubmissionStore(rocksdb::DB* db, std::string dir,
                                 const Clock& clock,
                                 const StoreOptions& options)
    : db_(db), dir_(std::move(dir)), clock_(clock), options_(options) {}

SubmissionStore::~SubmissionStore() {
  rocksdb::Status closed = db_->Close();
  if (!closed.ok()) {
    spdlog::error("event=close_failed data_dir={} error=\"{}\"", dir_,
                  closed.ToString());
    return;
  }
  spdlog::info("event=store_closed data_dir={}", dir_);
}

absl::StatusOr<std::unique_ptr<Upload>> SubmissionStore::BeginUpload(
    absl::string_view course_id) {
  absl::Status valid = keys::ValidateKeyComponent("course_id", course_id);
  if (!valid.ok()) return valid;
  absl::MutexLock lock(&mu_);
  return std::unique_ptr<Upload>(
      new Upload(this, std::string(course_id), next_upload_id_++));
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
  if (size == 0) return absl::OkStatus();
  // Unsynced: the commit's synced write syncs the WAL, and with it these.
  absl::Status status = FromRocksStatus(
      db_->Put(rocksdb::WriteOptions(), keys::ChunkKey(upload.id_, offset),
               rocksdb::Slice(data.data(), data.size())),
      absl::StrCat("writing a chunk at offset ", offset));
  if (!status.ok()) return status;
  upload.hasher_.Update(data);
  upload.bytes_received_ += size;
  return absl::OkStatus();
}

absl::Status SubmissionStore::Abort(Upload& upload) {
  if (!upload.open_) return absl::OkStatus();
  upload.open_ = false;
  if (upload.bytes_received_ == 0) return absl::OkStatus();
  return DeleteChunks(upload.id_);
}

absl::Status SubmissionStore::DeleteChunks(uint64_t upload_id) {
  const std::string prefix = keys::UploadChunkPrefix(upload_id);
  return FromRocksStatus(
      db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(),
                       prefix, keys::PrefixEnd(prefix)),
      "deleting the chunks of an unfinished upload");
}

absl::StatusOr<SubmissionRecord> SubmissionStore::Commit(
    Upload& upload, SubmissionRecord record) {
  if (!upload.open_) {
    return absl::FailedPreconditionError(
        "the upload is already committed or aborted");
  }
  // Every failure below leaves nothing but staged chunks: delete them.
  absl::Cleanup abort = [&] { Abort(upload).IgnoreError(); };
  if (record.course_id().empty()) record.set_course_id(upload.course_id_);
  absl::Status status = ValidateRecord(record, upload.course_id_);
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

  // A copy: `record` is moved into the return value before the cleanups
  // below run.
  const std::string sha = record.sha256_hex();
  {
    absl::MutexLock lock(&mu_);
    const auto blob_is_free = [this, &sha]()
                                  ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
                                    return !committing_blobs_.contains(sha);
                                  };
    mu_.Await(absl::Condition(&blob_is_free));
    committing_blobs_.insert(sha);
    absl::StatusOr<std::string> id = NextSubmissionIdLocked(record.course_id());
    if (!id.ok()) {
      committing_blobs_.erase(sha);
      return id.status();
    }
    record.set_submission_id(*std::move(id));
  }
  absl::Cleanup release = [&] {
    absl::MutexLock lock(&mu_);
    committing_blobs_.erase(sha);
  };

  rocksdb::WriteBatch batch;
  std::string existing;
  const std::string blob_key = keys::BlobKey(sha);
  rocksdb::Status found = db_->Get(rocksdb::ReadOptions(), blob_key, &existing);
  const bool dedupe = found.ok();
  if (found.IsNotFound()) {
    batch.Put(blob_key,
              keys::EncodeManifest({upload.id_, record.size_bytes()}));
  } else if (dedupe) {
    // The same bytes are already stored: share them, drop the new copy.
    const std::string prefix = keys::UploadChunkPrefix(upload.id_);
    batch.DeleteRange(prefix, keys::PrefixEnd(prefix));
  } else {
    return FromRocksStatus(found, absl::StrCat("looking up blob ", sha));
  }
  const std::string& course = record.course_id();
  const std::string& id = record.submission_id();
  batch.Put(keys::SubmissionKey(course, id), record.SerializeAsString());
  batch.Put(keys::ItemIndexKey(course, record.item_id(), id), "");
  batch.Put(keys::PrincipalIndexKey(course, record.principal(), id), "");
  status = FromRocksStatus(db_->Write(SyncedWrite(), &batch),
                           absl::StrCat("committing ", Describe(course, id)));
  if (!status.ok()) return status;
  std::move(abort).Cancel();
  upload.open_ = false;
  spdlog::info(
      "event=committed course={} submission={} item={} principal={} bytes={} "
      "sha256={} dedupe={}",
      course, id, record.item_id(), record.principal(), record.size_bytes(),
      sha, dedupe);
  return record;
}

absl::StatusOr<std::string> SubmissionStore::NextSubmissionIdLocked(
    const std::string& course_id) {
  auto last = last_id_time_.find(course_id);
  if (last == last_id_time_.end()) {
    // First commit to this course since Open: continue after its newest id.
    absl::Time newest = absl::InfinitePast();
    const std::string prefix = keys::SubmissionPrefix(course_id);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekForPrev(keys::PrefixEnd(prefix));
    if (it->Valid() && it->key().starts_with(prefix)) {
      absl::StatusOr<absl::Time> parsed =
          ParseSubmissionId(ToStringView(it->key()).substr(prefix.size()));
      if (!parsed.ok()) return parsed.status();
      newest = *parsed;
    }
    absl::Status status = FromRocksStatus(
        it->status(),
        absl::StrCat("finding the newest submission of ", course_id));
    if (!status.ok()) return status;
    last = last_id_time_.emplace(course_id, newest).first;
  }
  const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now()));
  const absl::Time id_time =
      std::max(now, last->second + absl::Microseconds(1));
  last->second = id_time;
  return FormatSubmissionId(id_time);
}

absl::StatusOr<SubmissionRecord> SubmissionStore::ReadRecord(
    const std::string& key, absl::string_view course_id,
    absl::string_view submission_id) {
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("no ", Describe(course_id, submission_id)));
  }
  if (!status.ok()) {
    return FromRocksStatus(
        status, absl::StrCat("reading ", Describe(course_id, submission_id)));
  }
  SubmissionRecord record;
  if (!record.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("the stored record of ",
                                            Describe(course_id, submission_id),
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
  absl::Status valid = keys::ValidateKeyComponent("course_id", course_id);
  if (!valid.ok()) return valid;
  if (!item_id.empty()) {
    valid = keys::ValidateKeyComponent("item_id", item_id);
    if (!valid.ok()) return valid;
  }
  if (!principal.empty()) {
    valid = keys::ValidateKeyComponent("principal", principal);
    if (!valid.ok()) return valid;
  }
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
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
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
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const absl::string_view id = ToStringView(it->key()).substr(prefix.size());
    absl::StatusOr<SubmissionRecord> record =
        ReadRecord(keys::SubmissionKey(course_id, id), course_id, id);
    if (absl::IsNotFound(record.status())) {
      return absl::DataLossError(absl::StrCat(
          "an index names ", Describe(course_id, id), " but it is missing"));
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
  const std::string what = Describe(course_id, submission_id);
  std::string value;
  rocksdb::Status status = db_->Get(
      rocksdb::ReadOptions(), keys::BlobKey(record->sha256_hex()), &value);
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
      new BlobReader(db_.get(), manifest->upload_id, record->size_bytes(),
                     record->sha256_hex(), what, piece_bytes));
}

}  // namespace handin::storage
