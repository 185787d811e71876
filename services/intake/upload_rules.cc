#include "services/intake/upload_rules.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"

namespace handin::intake {
namespace {

// Longest file name most file systems accept.
constexpr size_t kMaxFileNameBytes = 255;

absl::Status CheckFileName(absl::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "metadata.file_name is empty; send the file's base name, e.g. "
        "\"report.pdf\"");
  }
  if (name.size() > kMaxFileNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata.file_name is ", name.size(),
                     " bytes long; rename the file "
                     "to at most ",
                     kMaxFileNameBytes, " bytes"));
  }
  if (name == "." || name == ".." ||
      name.find_first_of(absl::string_view("/\0", 2)) !=
          absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.file_name \"", absl::CHexEscape(name),
        "\" is not a base name; send only the last path component, e.g. "
        "\"report.pdf\""));
  }
  return absl::OkStatus();
}

absl::Status CheckIdempotencyKey(absl::string_view key) {
  if (key.size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.idempotency_key is ", key.size(), " bytes; send at most ",
        kMaxIdempotencyKeyBytes, " (handin sends 32 hex digits)"));
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          "metadata.idempotency_key \"", absl::CHexEscape(key),
          "\" holds a character that is not printable ASCII; send e.g. 32 "
          "random hex digits"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckMessageOrder(UploadPhase phase,
                               const v1::UploadRequest& request) {
  switch (request.kind_case()) {
    case v1::UploadRequest::kMetadata:
      if (phase == UploadPhase::kAwaitingMetadata) return absl::OkStatus();
      return absl::FailedPreconditionError(
          "metadata sent twice; send it once, as the first message");
    case v1::UploadRequest::kChunk:
      if (phase == UploadPhase::kReceivingChunks) return absl::OkStatus();
      return absl::FailedPreconditionError(
          "chunk before metadata; the first message must be the metadata");
    case v1::UploadRequest::kFinish:
      if (phase == UploadPhase::kReceivingChunks) return absl::OkStatus();
      return absl::FailedPreconditionError(
          "finish before metadata; the first message must be the metadata");
    case v1::UploadRequest::KIND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "upload message with nothing set; send metadata, a chunk or finish");
}

absl::Status ValidateMetadata(const v1::UploadMetadata& metadata,
                              int64_t max_file_bytes) {
  if (metadata.course_id().empty()) {
    return absl::InvalidArgumentError(
        "metadata.course_id is empty; name the course, e.g. \"eecs598-w24\"");
  }
  if (metadata.item_id().empty()) {
    return absl::InvalidArgumentError(
        "metadata.item_id is empty; name the item you are submitting, e.g. "
        "\"project-report\"");
  }
  if (absl::Status name = CheckFileName(metadata.file_name()); !name.ok()) {
    return name;
  }
  if (metadata.size_bytes() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata.size_bytes is ", metadata.size_bytes(),
                     "; send the file's size in bytes"));
  }
  if (metadata.size_bytes() > max_file_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("file is ", HumanBytes(metadata.size_bytes()), " (",
                     metadata.size_bytes(), " bytes); intake accepts at most ",
                     HumanBytes(max_file_bytes), " per file"));
  }
  if (!IsSha256Hex(metadata.sha256_hex())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.sha256_hex \"", absl::CHexEscape(metadata.sha256_hex()),
        "\" is not a SHA-256 digest; send 64 lower-case hex digits"));
  }
  if (absl::Status key = CheckIdempotencyKey(metadata.idempotency_key());
      !key.ok()) {
    return key;
  }
  if (metadata.resume_offset() < 0 ||
      metadata.resume_offset() > metadata.size_bytes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.resume_offset is ", metadata.resume_offset(),
        "; send 0 for a new upload, or QueryWriteStatus's committed_size "
        "(at most size_bytes, ",
        metadata.size_bytes(), ") to resume one"));
  }
  if (metadata.resume_offset() > 0 && metadata.idempotency_key().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.resume_offset is ", metadata.resume_offset(),
        " but there is no idempotency key; a resumed upload must repeat its "
        "first attempt's key (or start again from 0)"));
  }
  return absl::OkStatus();
}

absl::Status CheckReplay(const v1::UploadMetadata& metadata,
                         const common::v1::SubmissionRecord& existing) {
  if (existing.sha256_hex() == metadata.sha256_hex() &&
      existing.size_bytes() == metadata.size_bytes() &&
      existing.item_id() == metadata.item_id()) {
    return absl::OkStatus();
  }
  return absl::AlreadyExistsError(absl::StrCat(
      "idempotency key \"", metadata.idempotency_key(),
      "\" was already used for submission ", existing.submission_id(),
      " (item ", existing.item_id(), ", SHA-256 ", existing.sha256_hex(),
      "); this upload has other content (item ", metadata.item_id(),
      ", SHA-256 ", metadata.sha256_hex(),
      "); a new upload needs a new idempotency key"));
}

bool IsRecordedRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kDeadlineExceeded:
      return true;
    default:
      return false;
  }
}

ChunkSequence::ChunkSequence(int64_t declared_size, int64_t max_chunk_bytes,
                             int64_t start_offset)
    : declared_size_(declared_size),
      max_chunk_bytes_(max_chunk_bytes),
      received_(start_offset) {}

absl::Status ChunkSequence::Accept(const common::v1::Chunk& chunk) {
  const int64_t length = static_cast<int64_t>(chunk.data().size());
  if (chunk.offset() != received_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunk offset is wrong: expected ", received_, ", got ", chunk.offset(),
        "; send chunks in order, each starting "
        "where the previous one ended"));
  }
  if (length > max_chunk_bytes_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunk at offset ", chunk.offset(), " is ", length,
        " bytes; send at most ", max_chunk_bytes_, " bytes per chunk"));
  }
  if (length > declared_size_ - received_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "upload is larger than declared: metadata.size_bytes is ",
        declared_size_, " but the chunk at offset ", chunk.offset(),
        " brings the total to ", received_ + length, " bytes"));
  }
  received_ += length;
  return absl::OkStatus();
}

absl::Status ChunkSequence::CheckComplete() const {
  if (received_ == declared_size_) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "upload is truncated: received ", received_, " of the ", declared_size_,
      " declared bytes; nothing was stored, submit again"));
}

absl::Status VerdictAllowsUpload(const common::v1::Verdict& verdict) {
  switch (verdict.kind()) {
    case common::v1::VERDICT_KIND_ON_TIME:
    case common::v1::VERDICT_KIND_LATE_COUNTED:
    case common::v1::VERDICT_KIND_LATE_NOT_COUNTED:
      return absl::OkStatus();
    case common::v1::VERDICT_KIND_REFUSED:
      return absl::FailedPreconditionError(
          verdict.reason().empty()
              ? "the course policy does not accept this submission"
              : verdict.reason());
    default:
      return absl::InternalError(
          "deadline service returned a verdict with no kind");
  }
}

bool PrecheckVerdictStands(const common::v1::Verdict& precheck,
                           std::optional<absl::Duration> completion_window,
                           absl::Time started_at, absl::Time completed_at) {
  // The same comparison as the policy's: past the window, completion counts.
  return precheck.kind() == common::v1::VERDICT_KIND_ON_TIME &&
         completion_window.has_value() &&
         completed_at - started_at <= *completion_window;
}

absl::Status PeerError(absl::string_view service, const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return absl::OkStatus();
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::UnavailableError(
          absl::StrCat(service, " service unreachable: ", status.message(),
                       " (try again shortly)"));
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
      return status;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return absl::InternalError(absl::StrCat(
          service,
          " service refused intake's credentials: ", status.message()));
    case absl::StatusCode::kUnimplemented:
      return absl::InternalError(absl::StrCat(
          service, " service does not implement the call (wrong address?): ",
          status.message()));
    default:
      return absl::InternalError(
          absl::StrCat(service, " service failed: ", status.message()));
  }
}

std::string HumanBytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, bytes == 1 ? " byte" : " bytes");
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  // Whole numbers print without a fraction ("512 MiB"), others with one
  // digit ("1.5 KiB").
  if (value == static_cast<double>(static_cast<int64_t>(value))) {
    return absl::StrFormat("%d %s", static_cast<int64_t>(value), kUnits[unit]);
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

}  // namespace handin::intake
