#ifndef HANDIN_SERVICES_STORAGE_BLOB_READER_H_
#define HANDIN_SERVICES_STORAGE_BLOB_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/sha256.h"
#include "services/storage/database.h"

namespace rocksdb {
class Iterator;
}  // namespace rocksdb

namespace handin::storage {

// Reads one committed blob in order, in pieces of bounded size, verifying
// it as it goes. Made by SubmissionStore::OpenBlob. Holds at most one stored
// chunk plus one piece in memory, whatever the blob's size.
//
// Verification: every byte is hashed as it is loaded; the total size and the
// SHA-256 can only be checked once the last stored chunk has been loaded. So
// a consumer may already have received earlier pieces when Next returns
// DATA_LOSS, and must then discard them (ReadSubmission's stream ends with
// DATA_LOSS after those pieces). The piece that completes the blob is only
// returned once the whole blob has verified.
//
// Not thread-safe: one reader per stream. Must not outlive the store (and
// so the RocksDB instance) that made it.
class BlobReader {
 public:
  ~BlobReader();
  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;

  // Returns the next piece of the blob: 1 to piece_bytes bytes while any
  // remain, then an empty string once the whole blob has been returned and
  // verified (an empty blob is empty at once). DATA_LOSS if a stored chunk
  // is missing or misplaced, if the bytes do not add up to the recorded size
  // or hash to the recorded SHA-256, or if RocksDB reports corruption; the
  // message names the submission and both values. After an error every
  // further call returns the same error.
  absl::StatusOr<std::string> Next();

  // Offset of the piece the next call to Next returns.
  int64_t offset() const { return offset_; }
  // Size the blob is recorded to have.
  int64_t size_bytes() const { return size_bytes_; }

 private:
  friend class SubmissionStore;
  // `what` names the blob in error messages ("submission X of course Y").
  BlobReader(Database& db, uint64_t upload_id, int64_t size_bytes,
             std::string sha256_hex, std::string what, size_t piece_bytes);

  // Loads the next stored chunk into chunk_ (hashing it), or sets
  // exhausted_ when there is none.
  absl::Status LoadNextChunk();
  // Checks size and hash once every chunk has been loaded.
  absl::Status Verify();

  const int64_t size_bytes_;
  const std::string sha256_hex_;
  const std::string what_;
  const size_t piece_bytes_;
  // Bounds of this upload's chunk keys; must outlive iterator_.
  const std::string lower_bound_;
  const std::string upper_bound_;
  struct Bounds;
  std::unique_ptr<Bounds> bounds_;
  std::unique_ptr<rocksdb::Iterator> iterator_;

  Sha256 hasher_;
  bool positioned_ = false;  // iterator_ has been sought
  bool exhausted_ = false;   // no chunk left to load
  bool done_ = false;        // everything returned and verified
  absl::Status error_;       // sticky
  std::string chunk_;        // the current stored chunk
  size_t chunk_pos_ = 0;     // bytes of chunk_ already handed out
  int64_t loaded_ = 0;       // bytes loaded (and hashed) so far
  int64_t offset_ = 0;       // bytes handed out so far
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_BLOB_READER_H_
