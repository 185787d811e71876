#ifndef HANDIN_TESTS_TESTING_FAKE_STORAGE_SERVICE_H_
#define HANDIN_TESTS_TESTING_FAKE_STORAGE_SERVICE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_callback.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"

namespace handin::testing {

// An in-process StorageService that keeps everything in memory and follows
// the contract in storage_service.proto: PutSubmission takes a header, chunks
// with offsets, then one commit; it hashes the bytes itself (handin::Sha256)
// and commits only if they match the record's declared size and SHA-256
// (DATA_LOSS otherwise). A stream that fails, ends without a commit or is
// cancelled leaves nothing. Like the real store it keeps one submission per
// (course, principal, idempotency key): a commit with a known key and the
// same content answers the first record with `replayed`, other content is
// ALREADY_EXISTS. StoreSubmission does what a stream of header, one chunk
// and commit does. It records refused attempts and lists them.
//
// Resumable uploads as the proto describes them: a header with `resumable`
// holds its (course, principal, key) for the stream (FAILED_PRECONDITION if
// another stream holds it); resume_offset 0 starts over, anything else must
// equal the staged byte count, with the same fields (FAILED_PRECONDITION
// naming both otherwise), and the staged bytes are hashed again. A
// resumable stream that ends without a commit leaves its bytes staged
// (when the stream is done, not chunk by chunk) until a later stream with
// the key starts over or commits; QueryUpload reports them, or the record
// the key names. There is no grace period. Streams are handled on gRPC's
// callback threads, which is fine for memory. Thread-safe.
class FakeStorageService final
    : public storage::v1::StorageService::CallbackService {
 public:
  FakeStorageService() = default;

  // Stores `record` with `content` as if uploaded, assigning the next
  // submission id, which is returned. For seeding list tests.
  std::string Seed(common::v1::SubmissionRecord record, std::string content);

  // Makes the next commit store its record and then fail with UNAVAILABLE,
  // as if the response were lost on the way back.
  void LoseNextCommitResponse() {
    absl::MutexLock lock(&mu_);
    lose_next_response_ = true;
  }

  // Every recorded refused attempt, in order.
  std::vector<common::v1::RefusedAttempt> refusals() const {
    absl::MutexLock lock(&mu_);
    return refusals_;
  }

  // Every committed record, in commit order.
  std::vector<common::v1::SubmissionRecord> committed() const;
  // The bytes stored for `submission_id`, or nullopt if none.
  std::optional<std::string> ContentOf(const std::string& submission_id) const;
  // How many PutSubmission streams have started, and ended (OnDone).
  int streams_opened() const {
    absl::MutexLock lock(&mu_);
    return streams_opened_;
  }
  int streams_closed() const {
    absl::MutexLock lock(&mu_);
    return streams_closed_;
  }
  // How many of them the caller cancelled (OnCancel), so a test can tell a
  // cancelled stream from one that merely ended without a commit.
  int streams_cancelled() const {
    absl::MutexLock lock(&mu_);
    return streams_cancelled_;
  }
  // How many StoreSubmission calls have arrived.
  int stores_received() const {
    absl::MutexLock lock(&mu_);
    return stores_received_;
  }
  // Chunk bytes received over every stream and StoreSubmission call,
  // committed or not.
  int64_t bytes_received() const {
    absl::MutexLock lock(&mu_);
    return bytes_received_;
  }

  // Stages `bytes` under `upload`'s (course, principal, key), as if a
  // resumable stream had delivered them and broken.
  void SeedStaged(storage::v1::StagedUpload upload, std::string bytes);
  // The upload staged under (course, principal, key), staged_bytes set, or
  // nullopt.
  std::optional<storage::v1::StagedUpload> StagedUploadOf(
      const std::string& course, const std::string& principal,
      const std::string& key) const;
  // Every PutHeader received, in order.
  std::vector<storage::v1::PutHeader> headers() const {
    absl::MutexLock lock(&mu_);
    return headers_;
  }

  // Wait until bytes_received() >= `bytes` / streams_closed() >= `streams`.
  // Return false if `timeout` passed first.
  bool WaitForBytes(int64_t bytes, absl::Duration timeout) const;
  bool WaitForClosedStreams(int streams, absl::Duration timeout) const;

  grpc::ServerReadReactor<storage::v1::PutSubmissionRequest>* PutSubmission(
      grpc::CallbackServerContext* context,
      storage::v1::PutSubmissionResponse* response) override;
  grpc::ServerUnaryReactor* StoreSubmission(
      grpc::CallbackServerContext* context,
      const storage::v1::StoreSubmissionRequest* request,
      storage::v1::PutSubmissionResponse* response) override;
  grpc::ServerUnaryReactor* GetSubmission(
      grpc::CallbackServerContext* context,
      const storage::v1::GetSubmissionRequest* request,
      common::v1::SubmissionRecord* response) override;
  grpc::ServerUnaryReactor* ListSubmissions(
      grpc::CallbackServerContext* context,
      const storage::v1::ListSubmissionsRequest* request,
      storage::v1::ListSubmissionsResponse* response) override;
  grpc::ServerWriteReactor<common::v1::Chunk>* ReadSubmission(
      grpc::CallbackServerContext* context,
      const storage::v1::ReadSubmissionRequest* request) override;
  grpc::ServerUnaryReactor* QueryUpload(
      grpc::CallbackServerContext* context,
      const storage::v1::QueryUploadRequest* request,
      storage::v1::QueryUploadResponse* response) override;
  grpc::ServerUnaryReactor* LookupIdempotencyKey(
      grpc::CallbackServerContext* context,
      const storage::v1::LookupIdempotencyKeyRequest* request,
      storage::v1::LookupIdempotencyKeyResponse* response) override;
  grpc::ServerUnaryReactor* RecordRefusal(
      grpc::CallbackServerContext* context,
      const storage::v1::RecordRefusalRequest* request,
      storage::v1::RecordRefusalResponse* response) override;
  grpc::ServerUnaryReactor* ListRefusals(
      grpc::CallbackServerContext* context,
      const storage::v1::ListRefusalsRequest* request,
      storage::v1::ListRefusalsResponse* response) override;

 private:
  class PutReactor;
  friend class PutReactor;

  struct Stored {
    common::v1::SubmissionRecord record;
    std::string content;
  };
  // (course, principal, idempotency key).
  using StagedKey = std::tuple<std::string, std::string, std::string>;
  struct Staged {
    storage::v1::StagedUpload upload;
    std::string bytes;
    // A stream holds the key.
    bool live = false;
  };

  // Hooks for PutReactor.
  void StreamOpened() {
    absl::MutexLock lock(&mu_);
    ++streams_opened_;
  }
  void StreamClosed() {
    absl::MutexLock lock(&mu_);
    ++streams_closed_;
  }
  void StreamCancelled() {
    absl::MutexLock lock(&mu_);
    ++streams_cancelled_;
  }
  void BytesArrived(int64_t bytes) {
    absl::MutexLock lock(&mu_);
    bytes_received_ += bytes;
  }
  void HeaderArrived(const storage::v1::PutHeader& header) {
    absl::MutexLock lock(&mu_);
    headers_.push_back(header);
  }
  // Takes the key of a resumable `header` for a stream: FAILED_PRECONDITION
  // or INVALID_ARGUMENT as the proto says, else OK with the staged bytes
  // the stream continues from in `prefix` (empty for resume_offset 0).
  grpc::Status BeginStaged(const storage::v1::PutHeader& header,
                           std::string* prefix);
  // Ends a resumable stream: stages `bytes` (not committed) or drops the
  // staged upload (committed), and lets the key go.
  void EndStaged(const storage::v1::StagedUpload& upload, std::string bytes,
                 bool committed);
  // Stores a verified submission into `response` (record with its id, or
  // the one its idempotency key already names, replayed); ALREADY_EXISTS
  // for a known key with other content.
  grpc::Status Commit(common::v1::SubmissionRecord record, std::string content,
                      storage::v1::PutSubmissionResponse* response);
  // The stored submission a Get or Read `request` names, or null.
  template <typename Request>
  const Stored* FindLocked(const Request& request) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static grpc::Status NoSuchSubmission() {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "fake storage: no such submission");
  }
  // The upload staged under the key, staged_bytes set, or nullopt.
  std::optional<storage::v1::StagedUpload> StagedLocked(
      const std::string& course, const std::string& principal,
      const std::string& key) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The record `key` names for (course, principal), or null.
  const common::v1::SubmissionRecord* FindKeyLocked(
      const std::string& course, const std::string& principal,
      const std::string& key) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<Stored> stored_ ABSL_GUARDED_BY(mu_);
  std::vector<common::v1::RefusedAttempt> refusals_ ABSL_GUARDED_BY(mu_);
  std::map<StagedKey, Staged> staged_ ABSL_GUARDED_BY(mu_);
  std::vector<storage::v1::PutHeader> headers_ ABSL_GUARDED_BY(mu_);
  bool lose_next_response_ ABSL_GUARDED_BY(mu_) = false;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  int streams_opened_ ABSL_GUARDED_BY(mu_) = 0;
  int streams_closed_ ABSL_GUARDED_BY(mu_) = 0;
  int streams_cancelled_ ABSL_GUARDED_BY(mu_) = 0;
  int stores_received_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t bytes_received_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_FAKE_STORAGE_SERVICE_H_
