#ifndef HANDIN_TESTS_SERVICES_STORAGE_STORAGE_TEST_UTIL_H_
#define HANDIN_TESTS_SERVICES_STORAGE_STORAGE_TEST_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "handin/common/v1/common.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/storage/submission_store.h"

// Helpers shared by the storage tests: test bytes, records, raw access to a
// closed store's RocksDB, and whole-stream calls through the gRPC stub.
namespace handin::storage::testing {

// Returns `size` deterministic pseudo-random bytes; different seeds give
// different bytes.
std::string TestBytes(size_t size, uint32_t seed);

// Returns a record for `bytes` with the right size and SHA-256.
handin::common::v1::SubmissionRecord RecordFor(const std::string& course,
                                               const std::string& item,
                                               const std::string& principal,
                                               const std::string& bytes);

// Returns the PutSubmission header of a resumable upload of `record`'s
// content: course, principal, idempotency key, item, size and SHA-256 from
// the record, `started_at` and `resume_offset` as given.
handin::storage::v1::PutHeader ResumableHeader(
    const handin::common::v1::SubmissionRecord& record, absl::Time started_at,
    int64_t resume_offset);

// Uploads `bytes` to `store` in `chunk_size` chunks and commits `record`
// (SubmissionStore::Commit, `replayed` passed on).
absl::StatusOr<handin::common::v1::SubmissionRecord> PutInStore(
    SubmissionStore& store, const handin::common::v1::SubmissionRecord& record,
    const std::string& bytes, size_t chunk_size = 64 << 10,
    bool* replayed = nullptr);

// Raw RocksDB access to the database in `dir`, which no store may have
// open. Keys come from services/storage/keys.h; each call uses the column
// family keys of its kind live in (keys::ColumnFamilyOf).
// Returns the number of keys that start with `prefix`.
int CountKeys(const std::string& dir, const std::string& prefix);
// Returns every key under `prefix`, in order.
std::vector<std::string> KeysUnder(const std::string& dir,
                                   const std::string& prefix);
// Overwrites one key, or deletes it.
void PutRaw(const std::string& dir, const std::string& key,
            const std::string& value);
void DeleteRaw(const std::string& dir, const std::string& key);
// Returns the value of one key ("" if absent).
std::string GetRaw(const std::string& dir, const std::string& key);

// Sends header, `bytes` in `chunk_size` chunks and a commit of `record`
// through PutSubmission; returns the committed record or the call's
// status.
absl::StatusOr<handin::common::v1::SubmissionRecord> PutOverGrpc(
    handin::storage::v1::StorageService::StubInterface& stub,
    const handin::common::v1::SubmissionRecord& record,
    const std::string& bytes, size_t chunk_size);

// What ReadSubmission streamed.
struct ReadResult {
  absl::Status status;
  std::string bytes;
  // Size of each chunk, in order.
  std::vector<size_t> chunk_sizes;
  // False if a chunk's offset was not the number of bytes before it.
  bool offsets_contiguous = true;
};
ReadResult ReadOverGrpc(
    handin::storage::v1::StorageService::StubInterface& stub,
    const std::string& course, const std::string& submission_id);

// Lists through the stub; a failed call fails the test and returns none.
std::vector<handin::common::v1::SubmissionRecord> ListOverGrpc(
    handin::storage::v1::StorageService::StubInterface& stub,
    const std::string& course, const std::string& item = "",
    const std::string& principal = "");

}  // namespace handin::storage::testing

#endif  // HANDIN_TESTS_SERVICES_STORAGE_STORAGE_TEST_UTIL_H_
