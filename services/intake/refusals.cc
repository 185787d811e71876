#include "services/intake/refusals.h"

#include "common/call_deadline.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "grpcpp/client_context.h"
#include "services/intake/upload_rules.h"

namespace handin::intake {

common::v1::RefusedAttempt MakeRefusedAttempt(const AttemptFacts& facts,
                                              const absl::Status& refusal) {
  const v1::UploadMetadata& metadata = *facts.metadata;
  common::v1::RefusedAttempt attempt;
  attempt.set_course_id(metadata.course_id());
  attempt.set_item_id(metadata.item_id());
  attempt.set_principal(facts.principal);
  attempt.set_file_name(metadata.file_name());
  attempt.set_declared_size_bytes(metadata.size_bytes());
  attempt.set_declared_sha256_hex(metadata.sha256_hex());
  attempt.set_bytes_received(facts.bytes_received);
  *attempt.mutable_started_at() = ToProtoTimestamp(facts.started_at);
  *attempt.mutable_refused_at() = ToProtoTimestamp(facts.refused_at);
  attempt.set_code(absl::StatusCodeToString(refusal.code()));
  attempt.set_reason(std::string(refusal.message()));
  attempt.set_idempotency_key(metadata.idempotency_key());
  return attempt;
}

absl::Status RecordRefusal(storage::v1::StorageService::StubInterface& storage,
                           absl::Duration timeout, const AttemptFacts& facts,
                           const absl::Status& refusal) {
  if (!IsRecordedRefusal(refusal) || facts.metadata == nullptr ||
      facts.metadata->course_id().empty() ||
      facts.metadata->item_id().empty()) {
    return absl::OkStatus();
  }
  storage::v1::RecordRefusalRequest request;
  *request.mutable_attempt() = MakeRefusedAttempt(facts, refusal);
  grpc::ClientContext context;
  SetDeadlineAfter(context, timeout);
  storage::v1::RecordRefusalResponse response;
  const grpc::Status status =
      storage.RecordRefusal(&context, request, &response);
  return PeerError("storage", FromGrpcStatus(status));
}

}  // namespace handin::intake
