// The fake's PutSubmission and StoreSubmission: how uploads arrive.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "tests/testing/fake_storage_service.h"

namespace handin::testing {
namespace {

using storage::v1::PutSubmissionRequest;
using Code = grpc::StatusCode;

// OK if `content`, whose SHA-256 is `digest`, is what `record` declares;
// DATA_LOSS naming both values otherwise.
grpc::Status CheckBytes(const common::v1::SubmissionRecord& record,
                        const std::string& content, const std::string& digest) {
  if (record.size_bytes() != static_cast<int64_t>(content.size())) {
    return grpc::Status(
        Code::DATA_LOSS,
        absl::StrCat("fake storage: received ", content.size(),
                     " bytes but the record declares ", record.size_bytes()));
  }
  if (record.sha256_hex() != digest) {
    return grpc::Status(
        Code::DATA_LOSS,
        absl::StrCat("fake storage: SHA-256 of the received bytes is ", digest,
                     ", not the declared ", record.sha256_hex()));
  }
  return grpc::Status::OK;
}

}  // namespace

// One PutSubmission stream: header, chunks, commit, checked as they arrive.
class FakeStorageService::PutReactor final
    : public grpc::ServerReadReactor<PutSubmissionRequest> {
 public:
  PutReactor(FakeStorageService* owner,
             storage::v1::PutSubmissionResponse* response)
      : owner_(owner), response_(response) {
    owner_->StreamOpened();
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      return Finish(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "the stream ended without a commit; nothing was stored"));
    }
    grpc::Status status = Handle();
    if (!status.ok() || committed_) return Finish(std::move(status));
    StartRead(&request_);
  }

  void OnCancel() override { owner_->StreamCancelled(); }

  void OnDone() override {
    if (holds_key_) {
      owner_->EndStaged(resumable_, committed_ ? "" : std::move(content_),
                        committed_);
    }
    owner_->StreamClosed();
    delete this;
  }

 private:
  grpc::Status Handle() {
    switch (request_.kind_case()) {
      case PutSubmissionRequest::kHeader:
        return HandleHeader();
      case PutSubmissionRequest::kChunk: {
        if (!header_seen_) {
          return Error(Code::FAILED_PRECONDITION, "chunk before header");
        }
        const common::v1::Chunk& chunk = request_.chunk();
        if (chunk.offset() != static_cast<int64_t>(content_.size())) {
          return Error(Code::INVALID_ARGUMENT,
                       absl::StrCat("wrong offset: expected ", content_.size(),
                                    ", got ", chunk.offset()));
        }
        hasher_.Update(chunk.data());
        content_.append(chunk.data());
        owner_->BytesArrived(static_cast<int64_t>(chunk.data().size()));
        return grpc::Status::OK;
      }
      case PutSubmissionRequest::kCommit:
        return HandleCommit();
      default:
        return Error(Code::INVALID_ARGUMENT, "empty message");
    }
  }

  grpc::Status HandleHeader() {
    if (header_seen_) return Error(Code::FAILED_PRECONDITION, "header twice");
    const storage::v1::PutHeader& header = request_.header();
    if (header.course_id().empty()) {
      return Error(Code::INVALID_ARGUMENT, "header.course_id is empty");
    }
    header_seen_ = true;
    course_id_ = header.course_id();
    owner_->HeaderArrived(header);
    if (!header.has_resumable()) {
      if (header.resume_offset() == 0) return grpc::Status::OK;
      return Error(Code::INVALID_ARGUMENT, "resume_offset without resumable");
    }
    std::string prefix;
    grpc::Status began = owner_->BeginStaged(header, &prefix);
    if (!began.ok()) return began;
    resumable_ = header.resumable();
    holds_key_ = true;
    hasher_.Update(prefix);
    content_ = std::move(prefix);
    return grpc::Status::OK;
  }

  grpc::Status HandleCommit() {
    if (!header_seen_)
      return Error(Code::FAILED_PRECONDITION, "commit before header");
    common::v1::SubmissionRecord record =
        std::move(*request_.mutable_commit()->mutable_record());
    if (!record.submission_id().empty()) {
      return Error(Code::INVALID_ARGUMENT,
                   "record.submission_id must be empty");
    }
    if (record.course_id() != course_id_) {
      return Error(Code::INVALID_ARGUMENT,
                   "record.course_id differs from header");
    }
    if (holds_key_ &&
        (record.principal() != resumable_.principal() ||
         record.item_id() != resumable_.item_id() ||
         record.size_bytes() != resumable_.size_bytes() ||
         record.sha256_hex() != resumable_.sha256_hex() ||
         record.idempotency_key() != resumable_.idempotency_key())) {
      return Error(Code::INVALID_ARGUMENT,
                   "the record differs from the resumable header");
    }
    if (grpc::Status intact = CheckBytes(record, content_, hasher_.HexDigest());
        !intact.ok()) {
      return intact;
    }
    committed_ = true;
    return owner_->Commit(std::move(record), std::move(content_), response_);
  }

  static grpc::Status Error(Code code, std::string message) {
    return grpc::Status(code, "fake storage: " + std::move(message));
  }

  FakeStorageService* const owner_;
  storage::v1::PutSubmissionResponse* const response_;
  PutSubmissionRequest request_;
  bool header_seen_ = false;
  bool committed_ = false;
  // The stream holds a resumable upload's key (its header had `resumable`).
  bool holds_key_ = false;
  storage::v1::StagedUpload resumable_;
  std::string course_id_;
  std::string content_;
  Sha256 hasher_;
};

grpc::ServerReadReactor<PutSubmissionRequest>*
FakeStorageService::PutSubmission(
    grpc::CallbackServerContext* context,
    storage::v1::PutSubmissionResponse* response) {
  return new PutReactor(this, response);
}

grpc::ServerUnaryReactor* FakeStorageService::StoreSubmission(
    grpc::CallbackServerContext* context,
    const storage::v1::StoreSubmissionRequest* request,
    storage::v1::PutSubmissionResponse* response) {
  {
    absl::MutexLock lock(&mu_);
    ++stores_received_;
  }
  grpc::Status status = grpc::Status(
      Code::INVALID_ARGUMENT, "fake storage: record.course_id is required");
  if (!request->record().course_id().empty()) {
    status = CheckBytes(request->record(), request->content(),
                        Sha256::Of(request->content()));
  }
  if (status.ok()) {
    BytesArrived(static_cast<int64_t>(request->content().size()));
    status = Commit(request->record(), request->content(), response);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace handin::testing
