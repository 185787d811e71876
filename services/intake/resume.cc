#include "services/intake/resume.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/async_unary.h"
#include "common/call_deadline.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "grpcpp/client_context.h"
#include "services/intake/spool.h"
#include "services/intake/upload_rules.h"
#include "spdlog/spdlog.h"

namespace handin::intake {

absl::StatusOr<Resumption> CheckResume(
    const v1::UploadMetadata& metadata,
    const storage::v1::QueryUploadResponse& held) {
  if (held.has_record()) {
    if (absl::Status same = CheckReplay(metadata, held.record()); !same.ok()) {
      return same;
    }
    return Resumption{held.record(), absl::InfinitePast()};
  }
  if (!held.has_staged()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "intake holds nothing of an upload with idempotency key \"",
        metadata.idempotency_key(),
        "\" (it never started, or it was removed after its grace period); "
        "start again from 0"));
  }
  const storage::v1::StagedUpload& staged = held.staged();
  if (staged.item_id() != metadata.item_id() ||
      staged.size_bytes() != metadata.size_bytes() ||
      staged.sha256_hex() != metadata.sha256_hex()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the interrupted upload with idempotency key \"",
        metadata.idempotency_key(), "\" was ", staged.size_bytes(),
        " bytes for item ", staged.item_id(), " with SHA-256 ",
        staged.sha256_hex(), "; this one declares ", metadata.size_bytes(),
        " bytes for item ", metadata.item_id(), " with SHA-256 ",
        metadata.sha256_hex(), " (the file changed?); start again from 0"));
  }
  if (staged.staged_bytes() != metadata.resume_offset()) {
    if (staged.staged_bytes() == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "resume_offset is ", metadata.resume_offset(),
          " but intake holds 0 bytes of this upload; start again from 0"));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "resume_offset is ", metadata.resume_offset(), " but intake holds ",
        staged.staged_bytes(), " bytes of this upload; resume from ",
        staged.staged_bytes()));
  }
  return Resumption{std::nullopt, FromProtoTimestamp(staged.started_at())};
}

absl::Status CheckResumeWindow(absl::Time started_at, absl::Time now,
                               absl::Duration window) {
  if (window <= absl::ZeroDuration() || now - started_at < window) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "this upload started at ", FormatUtc(started_at),
      " and its item's completion window (", absl::FormatDuration(window),
      " from the start) has passed, so it can no longer count from that "
      "start; start again from 0"));
}

bool MayResumeAfter(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kUnavailable:
      return true;
    default:
      return false;
  }
}

storage::v1::PutHeader StorageHeader(const v1::UploadMetadata& metadata,
                                     const std::string& principal,
                                     absl::Time started_at) {
  storage::v1::PutHeader header;
  header.set_course_id(metadata.course_id());
  if (metadata.idempotency_key().empty()) return header;
  storage::v1::StagedUpload& resumable = *header.mutable_resumable();
  resumable.set_course_id(metadata.course_id());
  resumable.set_principal(principal);
  resumable.set_idempotency_key(metadata.idempotency_key());
  resumable.set_item_id(metadata.item_id());
  resumable.set_size_bytes(metadata.size_bytes());
  resumable.set_sha256_hex(metadata.sha256_hex());
  *resumable.mutable_started_at() = ToProtoTimestamp(started_at);
  header.set_resume_offset(metadata.resume_offset());
  return header;
}

v1::QueryWriteStatusResponse WriteStatusOf(
    const storage::v1::QueryUploadResponse& held,
    std::optional<int64_t> spool_bytes) {
  v1::QueryWriteStatusResponse status;
  if (held.has_record()) {
    status.set_complete(true);
    status.set_committed_size(held.record().size_bytes());
    *status.mutable_started_at() = held.record().started_at();
    return status;
  }
  if (!held.has_staged()) return status;
  const storage::v1::StagedUpload& staged = held.staged();
  // A resume must start exactly where storage's bytes end and needs the
  // spool up to there, so a shorter spool leaves nothing to resume from.
  if (spool_bytes.has_value() && *spool_bytes < staged.staged_bytes()) {
    return status;
  }
  status.set_committed_size(staged.staged_bytes());
  *status.mutable_started_at() = staged.started_at();
  return status;
}

absl::StatusOr<storage::v1::QueryUploadResponse> QueryStorage(
    storage::v1::StorageService::StubInterface& storage, absl::Duration timeout,
    const std::string& course_id, const std::string& principal,
    const std::string& key) {
  storage::v1::QueryUploadRequest request;
  request.set_course_id(course_id);
  request.set_principal(principal);
  request.set_idempotency_key(key);
  grpc::ClientContext context;
  SetDeadlineAfter(context, timeout);
  storage::v1::QueryUploadResponse response;
  const grpc::Status status = storage.QueryUpload(&context, request, &response);
  if (!status.ok()) return PeerError("storage", FromGrpcStatus(status));
  return response;
}

void LookUpPrior(storage::v1::StorageService::StubInterface& storage,
                 absl::Duration timeout, const v1::UploadMetadata& metadata,
                 const std::string& principal, PriorDone done) {
  if (metadata.idempotency_key().empty()) return std::move(done)(std::nullopt);
  storage::v1::LookupIdempotencyKeyRequest request;
  request.set_course_id(metadata.course_id());
  request.set_principal(principal);
  request.set_idempotency_key(metadata.idempotency_key());
  CallUnaryAsync<storage::v1::LookupIdempotencyKeyResponse>(
      std::move(request), timeout,
      [&storage](auto... call) {
        storage.async()->LookupIdempotencyKey(call...);
      },
      [principal, done = std::move(done)](
          grpc::Status status,
          storage::v1::LookupIdempotencyKeyResponse response) mutable {
        if (!status.ok()) {
          spdlog::warn(
              "event=idempotency_lookup_failed principal={} code={} "
              "msg=\"{}\"",
              principal, static_cast<int>(status.error_code()),
              status.error_message());
          return std::move(done)(std::nullopt);
        }
        if (!response.has_record()) return std::move(done)(std::nullopt);
        std::move(done)(std::move(*response.mutable_record()));
      });
}

absl::StatusOr<v1::QueryWriteStatusResponse> LookUpWriteStatus(
    storage::v1::StorageService::StubInterface& storage,
    const IntakeOptions& options, const std::string& principal,
    const v1::QueryWriteStatusRequest& request) {
  if (request.course_id().empty()) {
    return absl::InvalidArgumentError(
        "course_id is empty; name the course, e.g. \"eecs598-w24\"");
  }
  if (request.idempotency_key().empty()) {
    return absl::InvalidArgumentError(
        "idempotency_key is empty; send the key of the interrupted upload");
  }
  absl::StatusOr<storage::v1::QueryUploadResponse> held =
      QueryStorage(storage, options.peer_call_timeout, request.course_id(),
                   principal, request.idempotency_key());
  if (!held.ok()) return held.status();
  std::optional<int64_t> spool_bytes;
  const std::string spool = ResumableSpoolPath(
      options.spool_dir,
      {principal, request.course_id(), request.idempotency_key()});
  if (struct stat info; lstat(spool.c_str(), &info) == 0) {
    spool_bytes = info.st_size;
  }
  return WriteStatusOf(*held, spool_bytes);
}

}  // namespace handin::intake
