#ifndef HANDIN_TESTS_TESTING_FAKE_STORAGE_SERVICE_H_
#define HANDIN_TESTS_TESTING_FAKE_STORAGE_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
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
// ALREADY_EXISTS. It records refused attempts and lists them. Streams are
// handled on gRPC's callback threads, which is fine for memory. Thread-safe.
class FakeStorageService final
    : public storage::v1::StorageService::CallbackService {
 public:
  FakeStorageService() = default;

  // Stores `record` with `content` as if uploaded, assigning the next
  // submission id, which is returned. For seeding list tests.
  std::string Seed(common::v1::SubmissionRecord record, std::string content);

  // Makes the next commit store its record and then fail with UNAVAILABLE,
  // as if the response were lost on the way back.
  void LoseNextCommitResponse();

  // Every recorded refused attempt, in order.
  std::vector<common::v1::RefusedAttempt> refusals() const;

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
  // Chunk bytes received over every stream, committed or not.
  int64_t bytes_received() const {
    absl::MutexLock lock(&mu_);
    return bytes_received_;
  }

  // Wait until bytes_received() >= `bytes` / streams_closed() >= `streams`.
  // Return false if `timeout` passed first.
  bool WaitForBytes(int64_t bytes, absl::Duration timeout) const;
  bool WaitForClosedStreams(int streams, absl::Duration timeout) const;

  grpc::ServerReadReactor<storage::v1::PutSubmissionRequest>* PutSubmission(
      grpc::CallbackServerContext* context,
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

  // Hooks for PutReactor.
  void StreamOpened();
  void StreamClosed();
  void StreamCancelled();
  void BytesArrived(int64_t bytes);
  // Stores a verified submission into `response` (record with its id, or
  // the one its idempotency key already names, replayed); ALREADY_EXISTS
  // for a known key with other content.
  grpc::Status Commit(common::v1::SubmissionRecord record, std::string content,
                      storage::v1::PutSubmissionResponse* response);
  // The stored submission a Get or Read `request` names, or null.
  template <typename Request>
  const Stored* FindLocked(const Request& request) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static grpc::Status NoSuchSubmission();
  // The record `key` names for (course, principal), or null.
  const common::v1::SubmissionRecord* FindKeyLocked(
      const std::string& course, const std::string& principal,
      const std::string& key) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<Stored> stored_ ABSL_GUARDED_BY(mu_);
  std::vector<common::v1::RefusedAttempt> refusals_ ABSL_GUARDED_BY(mu_);
  bool lose_next_response_ ABSL_GUARDED_BY(mu_) = false;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  int streams_opened_ ABSL_GUARDED_BY(mu_) = 0;
  int streams_closed_ ABSL_GUARDED_BY(mu_) = 0;
  int streams_cancelled_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t bytes_received_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_FAKE_STORAGE_SERVICE_H_
