#ifndef HANDIN_SERVICES_STORAGE_STORAGE_SERVICE_H_
#define HANDIN_SERVICES_STORAGE_STORAGE_SERVICE_H_

#include <cstddef>
#include <memory>
#include <string>

#include "common/executor.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/storage/checkpoint.h"
#include "services/storage/grade_store.h"
#include "services/storage/submission_store.h"

namespace handin::storage {

// Size of the pieces ReadSubmission streams: 256 KiB, so a download holds
// well under a MiB in memory however large the submission.
inline constexpr size_t kReadPieceBytes = size_t{256} << 10;

// The gRPC face of a SubmissionStore. Who may call which RPC is the
// server's access table (access.h): intake, grading, deadline and backup,
// each presenting its service token over mutual TLS.
//
// Every RocksDB read and write runs on the executor, never on a gRPC
// callback thread; streaming RPCs read (or write) the next message only
// once the previous one has been handled, so a slow disk slows the client
// instead of filling memory.
//
// PutSubmission: header, then chunks, then one commit.
//   - chunk or commit before the header, a second header, or a stream that
//     ends without a commit: FAILED_PRECONDITION;
//   - a message with nothing set, an empty course_id, a chunk whose offset
//     is not the number of bytes sent so far (message names both), a
//     malformed record: INVALID_ARGUMENT;
//   - bytes that do not match the record's size_bytes or sha256_hex:
//     DATA_LOSS naming both values;
//   - any failure or cancellation deletes the staged bytes: nothing is
//     stored. OK returns the record with its submission_id once it is
//     synced to disk;
//   - a header with `resumable` (SubmissionStore::BeginUpload(PutHeader)
//     has the errors): a stream that breaks, is cancelled or sends a bad
//     chunk keeps the bytes staged for a resume; a failed commit deletes
//     them.
// StoreSubmission: a PutSubmission of header, one chunk and commit in one
//   task, with its errors (an empty record course_id: INVALID_ARGUMENT);
//   never resumable, so any failure stores and stages nothing.
// GetSubmission: INVALID_ARGUMENT for an empty course_id or submission_id,
//   NOT_FOUND if there is no such submission.
// ListSubmissions: INVALID_ARGUMENT for an empty course_id; otherwise the
//   matching records oldest first (possibly none).
// ReadSubmission: INVALID_ARGUMENT / NOT_FOUND as GetSubmission; then the
//   bytes in kReadPieceBytes chunks with their offsets. DATA_LOSS ends the
//   stream if the stored bytes do not verify; chunks already sent must then
//   be discarded (see BlobReader).
//   With an idempotency key already used: OK with `replayed` and the
//   original record (same content), or ALREADY_EXISTS (other content); see
//   SubmissionStore::Commit.
// LookupIdempotencyKey: SubmissionStore::FindByIdempotencyKey.
// QueryUpload: SubmissionStore::QueryUpload.
// RecordRefusal, ListRefusals: RefusalStore::Record and List (their
//   errors, unchanged; a missing attempt is INVALID_ARGUMENT).
// PutExtension, DeleteExtension, ListExtensions, ListExtensionAudit: the
//   ExtensionStore calls of the same names (its errors, unchanged).
// PutScore, ListScores, PutAttendance, ListAttendance, PutBestGroupVote,
//   ListBestGroupVotes, CreateRegrade, ResolveRegrade, ListRegrades,
//   ListGradeAudit: the GradeStore calls of the same names, on the store's
//   database (its errors, unchanged; a missing record is INVALID_ARGUMENT).
// CreateCheckpoint: Checkpointer::Create on the store's database (its
//   errors, unchanged).
class StorageServiceImpl final
    : public handin::storage::v1::StorageService::CallbackService {
 public:
  // `store` and `executor` must outlive the service and every call in
  // flight (stop the server first). CreateCheckpoint makes checkpoints in
  // `checkpoint_dir` (storage's --checkpoint_dir; empty, the default:
  // DefaultCheckpointDir of the store's directory).
  StorageServiceImpl(SubmissionStore& store, Executor& executor,
                     const std::string& checkpoint_dir = "");

  grpc::ServerReadReactor<handin::storage::v1::PutSubmissionRequest>*
  PutSubmission(grpc::CallbackServerContext* context,
                handin::storage::v1::PutSubmissionResponse* response) override;
  grpc::ServerUnaryReactor* StoreSubmission(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::StoreSubmissionRequest* request,
      handin::storage::v1::PutSubmissionResponse* response) override;

  grpc::ServerUnaryReactor* GetSubmission(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::GetSubmissionRequest* request,
      handin::common::v1::SubmissionRecord* response) override;

  grpc::ServerUnaryReactor* ListSubmissions(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListSubmissionsRequest* request,
      handin::storage::v1::ListSubmissionsResponse* response) override;

  grpc::ServerWriteReactor<handin::common::v1::Chunk>* ReadSubmission(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ReadSubmissionRequest* request) override;

  // Idempotency, resumable upload queries and refusals (defined in
  // evidence_rpcs.cc).
  grpc::ServerUnaryReactor* LookupIdempotencyKey(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::LookupIdempotencyKeyRequest* request,
      handin::storage::v1::LookupIdempotencyKeyResponse* response) override;

  grpc::ServerUnaryReactor* QueryUpload(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::QueryUploadRequest* request,
      handin::storage::v1::QueryUploadResponse* response) override;

  grpc::ServerUnaryReactor* RecordRefusal(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::RecordRefusalRequest* request,
      handin::storage::v1::RecordRefusalResponse* response) override;

  grpc::ServerUnaryReactor* ListRefusals(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListRefusalsRequest* request,
      handin::storage::v1::ListRefusalsResponse* response) override;

  // Extensions (defined in extension_rpcs.cc).
  grpc::ServerUnaryReactor* PutExtension(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::PutExtensionRequest* request,
      handin::storage::v1::PutExtensionResponse* response) override;

  grpc::ServerUnaryReactor* DeleteExtension(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::DeleteExtensionRequest* request,
      handin::storage::v1::DeleteExtensionResponse* response) override;

  grpc::ServerUnaryReactor* ListExtensions(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListExtensionsRequest* request,
      handin::storage::v1::ListExtensionsResponse* response) override;

  grpc::ServerUnaryReactor* ListExtensionAudit(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListExtensionAuditRequest* request,
      handin::storage::v1::ListExtensionAuditResponse* response) override;

  // Grades (defined in grade_rpcs.cc).
  grpc::ServerUnaryReactor* PutScore(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::PutScoreRequest* request,
      handin::storage::v1::PutScoreResponse* response) override;
  grpc::ServerUnaryReactor* ListScores(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListScoresRequest* request,
      handin::storage::v1::ListScoresResponse* response) override;
  grpc::ServerUnaryReactor* PutAttendance(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::PutAttendanceRequest* request,
      handin::storage::v1::PutAttendanceResponse* response) override;
  grpc::ServerUnaryReactor* ListAttendance(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListAttendanceRequest* request,
      handin::storage::v1::ListAttendanceResponse* response) override;
  grpc::ServerUnaryReactor* PutBestGroupVote(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::PutBestGroupVoteRequest* request,
      handin::storage::v1::PutBestGroupVoteResponse* response) override;
  grpc::ServerUnaryReactor* ListBestGroupVotes(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListBestGroupVotesRequest* request,
      handin::storage::v1::ListBestGroupVotesResponse* response) override;
  grpc::ServerUnaryReactor* CreateRegrade(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::CreateRegradeRequest* request,
      handin::storage::v1::CreateRegradeResponse* response) override;
  grpc::ServerUnaryReactor* ResolveRegrade(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ResolveRegradeRequest* request,
      handin::storage::v1::ResolveRegradeResponse* response) override;
  grpc::ServerUnaryReactor* ListRegrades(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListRegradesRequest* request,
      handin::storage::v1::ListRegradesResponse* response) override;
  grpc::ServerUnaryReactor* ListGradeAudit(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::ListGradeAuditRequest* request,
      handin::storage::v1::ListGradeAuditResponse* response) override;

  // Backups.
  grpc::ServerUnaryReactor* CreateCheckpoint(
      grpc::CallbackServerContext* context,
      const handin::storage::v1::CreateCheckpointRequest* request,
      handin::storage::v1::CreateCheckpointResponse* response) override;

 private:
  SubmissionStore& store_;
  Executor& executor_;
  // Grades, in the store's database and audit log.
  const std::unique_ptr<GradeStore> grades_;
  // Online checkpoints of the store's database.
  Checkpointer checkpoints_;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_STORAGE_SERVICE_H_
