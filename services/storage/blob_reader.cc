#include "services/storage/blob_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"

namespace handin::storage {

// The upper bound RocksDB's iterator reads through a pointer; it lives here
// so that it outlives the iterator.
struct BlobReader::Bounds {
  rocksdb::Slice upper;
};

BlobReader::BlobReader(Database& db, uint64_t upload_id, int64_t size_bytes,
                       std::string sha256_hex, std::string what,
                       size_t piece_bytes)
    : size_bytes_(size_bytes),
      sha256_hex_(std::move(sha256_hex)),
      what_(std::move(what)),
      piece_bytes_(std::max<size_t>(piece_bytes, 1)),
      lower_bound_(keys::UploadChunkPrefix(upload_id)),
      upper_bound_(keys::PrefixEnd(lower_bound_)),
      bounds_(std::make_unique<Bounds>()) {
  bounds_->upper = rocksdb::Slice(upper_bound_);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &bounds_->upper;
  // A download streams once through a large blob: keep it from evicting the
  // block cache that serves record and index lookups.
  options.fill_cache = false;
  iterator_.reset(db.db().NewIterator(options, db.blobs()));
}

BlobReader::~BlobReader() = default;

absl::StatusOr<std::string> BlobReader::Next() {
  if (!error_.ok()) return error_;
  if (done_) return std::string();
  std::string piece;
  piece.reserve(std::min<int64_t>(piece_bytes_, size_bytes_ - offset_ + 1));
  while (piece.size() < piece_bytes_) {
    if (chunk_pos_ == chunk_.size()) {
      if (exhausted_) break;
      error_ = LoadNextChunk();
      if (!error_.ok()) return error_;
      continue;
    }
    const size_t take =
        std::min(piece_bytes_ - piece.size(), chunk_.size() - chunk_pos_);
    piece.append(chunk_, chunk_pos_, take);
    chunk_pos_ += take;
  }
  // Look one chunk ahead, so the end of the blob (and with it the verdict)
  // is known before the piece that completes it is handed out.
  if (chunk_pos_ == chunk_.size() && !exhausted_) {
    error_ = LoadNextChunk();
    if (!error_.ok()) return error_;
  }
  if (exhausted_ && chunk_pos_ == chunk_.size()) {
    error_ = Verify();
    if (!error_.ok()) return error_;
    done_ = true;
  }
  offset_ += static_cast<int64_t>(piece.size());
  return piece;
}

absl::Status BlobReader::LoadNextChunk() {
  if (!positioned_) {
    iterator_->Seek(lower_bound_);
    positioned_ = true;
  } else {
    iterator_->Next();
  }
  chunk_.clear();
  chunk_pos_ = 0;
  if (!iterator_->Valid()) {
    absl::Status status =
        FromRocksStatus(iterator_->status(), absl::StrCat("reading ", what_));
    if (!status.ok()) return status;
    exhausted_ = true;
    return absl::OkStatus();
  }
  absl::StatusOr<keys::ChunkKeyParts> parts =
      keys::ParseChunkKey(ToStringView(iterator_->key()));
  if (!parts.ok()) return parts.status();
  if (parts->offset != loaded_) {
    return absl::DataLossError(
        absl::StrCat(what_, " is missing bytes: the stored chunk after offset ",
                     loaded_, " starts at offset ", parts->offset));
  }
  const rocksdb::Slice value = iterator_->value();
  loaded_ += static_cast<int64_t>(value.size());
  if (loaded_ > size_bytes_) {
    return absl::DataLossError(
        absl::StrCat(what_, " has more stored bytes (at least ", loaded_,
                     ") than its recorded size of ", size_bytes_, " bytes"));
  }
  hasher_.Update(ToStringView(value));
  chunk_.assign(value.data(), value.size());
  return absl::OkStatus();
}

absl::Status BlobReader::Verify() {
  if (loaded_ != size_bytes_) {
    return absl::DataLossError(absl::StrCat(what_, " has ", loaded_,
                                            " stored bytes but its recorded "
                                            "size is ",
                                            size_bytes_, " bytes"));
  }
  const std::string actual = hasher_.HexDigest();
  if (actual != sha256_hex_) {
    return absl::DataLossError(
        absl::StrCat(what_, " is corrupt: its stored bytes hash to SHA-256 ",
                     actual, " but the record says ", sha256_hex_));
  }
  return absl::OkStatus();
}

}  // namespace handin::storage
