// The idempotency, upload query and refusal RPCs of StorageServiceImpl: each
// runs its store call on the executor and finishes from there.

#include <optional>
#include <utility>

#include "services/storage/storage_service.h"
#include "services/storage/unary_rpc.h"

namespace handin::storage {

using ::handin::common::v1::RefusedAttempt;
using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::v1::ListRefusalsRequest;
using ::handin::storage::v1::ListRefusalsResponse;
using ::handin::storage::v1::LookupIdempotencyKeyRequest;
using ::handin::storage::v1::LookupIdempotencyKeyResponse;
using ::handin::storage::v1::QueryUploadRequest;
using ::handin::storage::v1::QueryUploadResponse;
using ::handin::storage::v1::RecordRefusalRequest;
using ::handin::storage::v1::RecordRefusalResponse;

grpc::ServerUnaryReactor* StorageServiceImpl::LookupIdempotencyKey(
    grpc::CallbackServerContext* context,
    const LookupIdempotencyKeyRequest* request,
    LookupIdempotencyKeyResponse* response) {
  // Two point reads (the index entry, then its record), on the hot path of
  // every upload.
  return FinishInline(context, [this, request, response] {
    absl::StatusOr<std::optional<SubmissionRecord>> found =
        store_.FindByIdempotencyKey(request->course_id(), request->principal(),
                                    request->idempotency_key());
    if (!found.ok()) return found.status();
    if (found->has_value()) *response->mutable_record() = **std::move(found);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::QueryUpload(
    grpc::CallbackServerContext* context, const QueryUploadRequest* request,
    QueryUploadResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    absl::StatusOr<UploadQuery> found = store_.QueryUpload(
        request->course_id(), request->principal(), request->idempotency_key());
    if (!found.ok()) return found.status();
    if (found->record.has_value()) {
      *response->mutable_record() = *std::move(found->record);
    }
    if (found->staged.has_value()) {
      *response->mutable_staged() = *std::move(found->staged);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::RecordRefusal(
    grpc::CallbackServerContext* context, const RecordRefusalRequest* request,
    RecordRefusalResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    if (!request->has_attempt()) {
      return absl::InvalidArgumentError("attempt is required");
    }
    absl::StatusOr<RefusedAttempt> stored =
        store_.refusals().Record(request->attempt());
    if (!stored.ok()) return stored.status();
    *response->mutable_attempt() = *std::move(stored);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListRefusals(
    grpc::CallbackServerContext* context, const ListRefusalsRequest* request,
    ListRefusalsResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    absl::StatusOr<std::vector<RefusedAttempt>> found = store_.refusals().List(
        request->course_id(), request->item_id(), request->principal());
    if (!found.ok()) return found.status();
    for (RefusedAttempt& attempt : *found) {
      *response->add_attempts() = std::move(attempt);
    }
    return absl::OkStatus();
  });
}

}  // namespace handin::storage
