#ifndef HANDIN_SERVICES_INTAKE_INTAKE_SERVICE_H_
#define HANDIN_SERVICES_INTAKE_INTAKE_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"  // common/clock.h uses absl::Now without it.
#include "common/call_authenticator.h"
#include "common/clock.h"
#include "common/executor.h"
#include "common/storage_shards.h"
#include "grpcpp/support/server_callback.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/intake/content_check.h"
#include "services/intake/intake_options.h"
#include "services/intake/principal_limits.h"
#include "services/intake/spool.h"
#include "services/intake/upload_watchdog.h"

namespace handin::intake {

// The gRPC adapter of the intake service: the only door for uploads.
//
// Upload (see UploadReactor for the state machine) answers:
//   UNAUTHENTICATED     the call carries no caller identity;
//   FAILED_PRECONDITION a chunk or finish before the metadata, a second
//                       metadata, or a REFUSED verdict (the verdict's reason
//                       is the message; nothing is stored);
//   INVALID_ARGUMENT    bad metadata (empty ids, a file name that is not a
//                       base name, a size below 0 or above max_file_bytes or
//                       the item's content rule's max_size_bytes, a
//                       malformed SHA-256), a wrong chunk offset, a chunk
//                       above max_chunk_bytes, more bytes than declared, a
//                       stream that ends without a finish message, or a file
//                       the content inspector refused ("<item>: <reason>",
//                       e.g. "project-proposal: has 3 pages; at most 2 pages
//                       allowed");
//   NOT_FOUND           unknown course or item (deadline's message);
//   DATA_LOSS           fewer bytes than declared, or bytes whose SHA-256
//                       is not the declared one (storage's message);
//   UNAVAILABLE         "deadline|storage service unreachable: ...";
//   DEADLINE_EXCEEDED   the client sent nothing for upload_idle_timeout, or
//                       was still sending past the item's completion window
//                       (the message names the limit);
//   CANCELLED           the client cancelled; nothing is stored;
//   INTERNAL            a deployment problem between the services, or the
//                       content inspector could not run.
// On OK the response is the committed record, submission id included.
//
// Upload retried with the idempotency key of a stored upload of the caller
// and the same content: OK at once with the original receipt and
// `replayed`; with other content: ALREADY_EXISTS naming the key and both
// SHA-256s. Every failure after the metadata except CANCELLED, UNAVAILABLE
// and INTERNAL is recorded by storage as a refused attempt (see
// UploadReactor and refusals.h). An accepted upload to an item with a
// content rule carries the inspector's media type and warnings on its
// record.
//
// An Upload with an idempotency key whose stream broke may be resumed
// (see UploadReactor and resume.h): QueryWriteStatus answers, for the
// caller only, how many bytes of it intake holds (LookUpWriteStatus):
// UNAUTHENTICATED without identity, INVALID_ARGUMENT without a course id or
// key, UNAVAILABLE when storage cannot be reached. Spool copies of
// interrupted uploads older than options.spool_grace are swept at start
// and periodically (SpoolSweeper).
//
// ListMySubmissions answers the caller's own submissions in a course, oldest
// first, and the caller's own refused attempts: UNAUTHENTICATED without
// identity, INVALID_ARGUMENT without a course id, UNAVAILABLE when storage
// cannot be reached.
//
// ListMyDeadlines, CheckSubmission and ExportMyCalendar forward to the
// deadline service's ListDeadlines, WhatIf and ExportCalendar with principal
// = the caller (the requests carry no principal, so a student only ever sees
// their own deadlines) and answer deadline's response as is. Errors:
// UNAUTHENTICATED without identity; INVALID_ARGUMENT without a course id
// (or item id, for CheckSubmission), before deadline is called; deadline's
// errors mapped by PeerError (NOT_FOUND and the like passed through,
// UNAVAILABLE "deadline service unreachable: ...", INTERNAL otherwise).
//
// Thread-safe. Outbound calls run on `executor` with the blocking stubs, so
// gRPC's callback threads never wait on another service.
class IntakeServiceImpl final : public v1::IntakeService::CallbackService {
 public:
  // `clock`, `executor` and `authenticator` are not owned and must outlive
  // the service, which must outlive the server it is registered with. Every
  // call acts for the subject of its verified token (`authenticator`).
  IntakeServiceImpl(
      IntakeOptions options,
      std::unique_ptr<deadline::v1::DeadlineService::StubInterface> deadline,
      StorageShards storage, const Clock& clock, Executor& executor,
      const CallAuthenticator& authenticator);

  grpc::ServerReadReactor<v1::UploadRequest>* Upload(
      grpc::CallbackServerContext* context,
      v1::UploadResponse* response) override;

  grpc::ServerUnaryReactor* QueryWriteStatus(
      grpc::CallbackServerContext* context,
      const v1::QueryWriteStatusRequest* request,
      v1::QueryWriteStatusResponse* response) override;

  grpc::ServerUnaryReactor* ListMySubmissions(
      grpc::CallbackServerContext* context,
      const v1::ListMySubmissionsRequest* request,
      v1::ListMySubmissionsResponse* response) override;

  grpc::ServerUnaryReactor* ListMyDeadlines(
      grpc::CallbackServerContext* context,
      const v1::ListMyDeadlinesRequest* request,
      deadline::v1::ListDeadlinesResponse* response) override;

  grpc::ServerUnaryReactor* CheckSubmission(
      grpc::CallbackServerContext* context,
      const v1::CheckSubmissionRequest* request,
      deadline::v1::WhatIfResponse* response) override;

  grpc::ServerUnaryReactor* ExportMyCalendar(
      grpc::CallbackServerContext* context,
      const v1::ExportMyCalendarRequest* request,
      deadline::v1::ExportCalendarResponse* response) override;

 private:
  // Fills `response` with `principal`'s submissions and refused attempts
  // in `course_id`, from storage. Storage's errors mapped by PeerError.
  absl::Status ListOwn(const std::string& course_id,
                       const std::string& principal,
                       v1::ListMySubmissionsResponse* response);

  // One of the storage stub's unary methods.
  template <typename PeerRequest, typename PeerResponse>
  using StorageMethod = grpc::Status (
      storage::v1::StorageService::StubInterface::*)(grpc::ClientContext*,
                                                     const PeerRequest&,
                                                     PeerResponse*);

  // Calls the storage list `method` for `principal` in `course_id` into
  // `response`, bounded by peer_call_timeout. Errors mapped by PeerError.
  template <typename ListRequest, typename ListResponse>
  absl::Status ListFromStorage(StorageMethod<ListRequest, ListResponse> method,
                               const std::string& course_id,
                               const std::string& principal,
                               ListResponse* response);

  // One of the deadline stub's unary methods.
  template <typename PeerRequest, typename PeerResponse>
  using DeadlineMethod = grpc::Status (
      deadline::v1::DeadlineService::StubInterface::*)(grpc::ClientContext*,
                                                       const PeerRequest&,
                                                       PeerResponse*);

  // Answers `context`'s call by calling `method` on deadline with `request`
  // (whose principal is set to the caller here) on the executor, then
  // finishing with deadline's answer in `response` or its mapped error.
  // `rpc` names the call in logs. Finishes UNAUTHENTICATED at once without
  // identity and INVALID_ARGUMENT with `invalid` when it is not OK.
  // The student `context`'s call acts for: its token's subject, when the
  // token is good for `course_id` (not checked when empty: the handlers
  // refuse an empty course themselves). UNAUTHENTICATED or
  // PERMISSION_DENIED otherwise.
  absl::StatusOr<std::string> CallingStudent(
      const grpc::CallbackServerContext& context,
      absl::string_view course_id) const;

  template <typename PeerRequest, typename PeerResponse>
  grpc::ServerUnaryReactor* ForwardToDeadline(
      grpc::CallbackServerContext* context, const char* rpc,
      const absl::Status& invalid, PeerRequest request,
      DeadlineMethod<PeerRequest, PeerResponse> method, PeerResponse* response);

  const IntakeOptions options_;
  const std::unique_ptr<deadline::v1::DeadlineService::StubInterface> deadline_;
  // Each course's calls go to the shard that keeps it.
  const StorageShards storage_;
  const Clock& clock_;
  Executor& executor_;
  const CallAuthenticator& authenticator_;
  ContentChecker content_;
  SpoolSweeper sweeper_;
  PrincipalLimits limits_;
  // Last: stopped before anything an expiry uses goes away.
  UploadWatchdog watchdog_;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_INTAKE_SERVICE_H_
