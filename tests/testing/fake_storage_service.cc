#include "tests/testing/fake_storage_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"

namespace handin::testing {
namespace {

using storage::v1::PutSubmissionRequest;
using Code = grpc::StatusCode;

constexpr size_t kReadChunkBytes = size_t{1} << 20;

// Streams stored bytes back in 1 MiB chunks, or finishes with an error.
class ReadReactor final : public grpc::ServerWriteReactor<common::v1::Chunk> {
 public:
  explicit ReadReactor(std::string content) : content_(std::move(content)) {
    WriteNext();
  }
  explicit ReadReactor(grpc::Status error) { Finish(std::move(error)); }

  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "gone"));
    WriteNext();
  }
  void OnDone() override { delete this; }

 private:
  void WriteNext() {
    if (offset_ >= content_.size()) return Finish(grpc::Status::OK);
    chunk_.set_offset(static_cast<int64_t>(offset_));
    chunk_.set_data(content_.substr(offset_, kReadChunkBytes));
    offset_ += chunk_.data().size();
    StartWrite(&chunk_);
  }

  std::string content_;
  size_t offset_ = 0;
  common::v1::Chunk chunk_;
};

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
    owner_->StreamClosed();
    delete this;
  }

 private:
  grpc::Status Handle() {
    switch (request_.kind_case()) {
      case PutSubmissionRequest::kHeader:
        if (header_seen_)
          return Error(Code::FAILED_PRECONDITION, "header twice");
        if (request_.header().course_id().empty()) {
          return Error(Code::INVALID_ARGUMENT, "header.course_id is empty");
        }
        header_seen_ = true;
        course_id_ = request_.header().course_id();
        return grpc::Status::OK;
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
    if (record.size_bytes() != static_cast<int64_t>(content_.size())) {
      return Error(
          Code::DATA_LOSS,
          absl::StrCat("received ", content_.size(),
                       " bytes but the record declares ", record.size_bytes()));
    }
    const std::string digest = hasher_.HexDigest();
    if (record.sha256_hex() != digest) {
      return Error(Code::DATA_LOSS,
                   absl::StrCat("SHA-256 of the received bytes is ", digest,
                                ", not the declared ", record.sha256_hex()));
    }
    *response_->mutable_record() =
        owner_->Commit(std::move(record), std::move(content_));
    committed_ = true;
    return grpc::Status::OK;
  }

  static grpc::Status Error(Code code, std::string message) {
    return grpc::Status(code, "fake storage: " + std::move(message));
  }

  FakeStorageService* const owner_;
  storage::v1::PutSubmissionResponse* const response_;
  PutSubmissionRequest request_;
  bool header_seen_ = false;
  bool committed_ = false;
  std::string course_id_;
  std::string content_;
  Sha256 hasher_;
};

std::string FakeStorageService::Seed(common::v1::SubmissionRecord record,
                                     std::string content) {
  return Commit(std::move(record), std::move(content)).submission_id();
}

std::vector<common::v1::SubmissionRecord> FakeStorageService::committed()
    const {
  absl::MutexLock lock(&mu_);
  std::vector<common::v1::SubmissionRecord> records;
  for (const Stored& stored : stored_) records.push_back(stored.record);
  return records;
}

std::optional<std::string> FakeStorageService::ContentOf(
    const std::string& submission_id) const {
  absl::MutexLock lock(&mu_);
  for (const Stored& stored : stored_) {
    if (stored.record.submission_id() == submission_id) return stored.content;
  }
  return std::nullopt;
}

int FakeStorageService::streams_opened() const {
  absl::MutexLock lock(&mu_);
  return streams_opened_;
}

int FakeStorageService::streams_closed() const {
  absl::MutexLock lock(&mu_);
  return streams_closed_;
}

int FakeStorageService::streams_cancelled() const {
  absl::MutexLock lock(&mu_);
  return streams_cancelled_;
}

int64_t FakeStorageService::bytes_received() const {
  absl::MutexLock lock(&mu_);
  return bytes_received_;
}

bool FakeStorageService::WaitForBytes(int64_t bytes,
                                      absl::Duration timeout) const {
  const auto arrived = [this, bytes]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return bytes_received_ >= bytes;
  };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&arrived), timeout);
}

bool FakeStorageService::WaitForClosedStreams(int streams,
                                              absl::Duration timeout) const {
  const auto closed = [this, streams]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return streams_closed_ >= streams;
  };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&closed), timeout);
}

void FakeStorageService::StreamOpened() {
  absl::MutexLock lock(&mu_);
  ++streams_opened_;
}

void FakeStorageService::StreamClosed() {
  absl::MutexLock lock(&mu_);
  ++streams_closed_;
}

void FakeStorageService::StreamCancelled() {
  absl::MutexLock lock(&mu_);
  ++streams_cancelled_;
}

void FakeStorageService::BytesArrived(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  bytes_received_ += bytes;
}

common::v1::SubmissionRecord FakeStorageService::Commit(
    common::v1::SubmissionRecord record, std::string content) {
  absl::MutexLock lock(&mu_);
  record.set_submission_id(absl::StrFormat("sub-%06d", next_id_++));
  stored_.push_back({record, std::move(content)});
  return record;
}

grpc::ServerReadReactor<PutSubmissionRequest>*
FakeStorageService::PutSubmission(
    grpc::CallbackServerContext* context,
    storage::v1::PutSubmissionResponse* response) {
  return new PutReactor(this, response);
}

grpc::ServerUnaryReactor* FakeStorageService::GetSubmission(
    grpc::CallbackServerContext* context,
    const storage::v1::GetSubmissionRequest* request,
    common::v1::SubmissionRecord* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  for (const Stored& stored : stored_) {
    if (stored.record.course_id() == request->course_id() &&
        stored.record.submission_id() == request->submission_id()) {
      *response = stored.record;
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
  }
  reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                               "fake storage: no such submission"));
  return reactor;
}

grpc::ServerUnaryReactor* FakeStorageService::ListSubmissions(
    grpc::CallbackServerContext* context,
    const storage::v1::ListSubmissionsRequest* request,
    storage::v1::ListSubmissionsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->course_id().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "fake storage: course_id is required"));
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  for (const Stored& stored : stored_) {
    const common::v1::SubmissionRecord& record = stored.record;
    if (record.course_id() != request->course_id()) continue;
    if (!request->item_id().empty() && record.item_id() != request->item_id()) {
      continue;
    }
    if (!request->principal().empty() &&
        record.principal() != request->principal()) {
      continue;
    }
    *response->add_submissions() = record;
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<common::v1::Chunk>* FakeStorageService::ReadSubmission(
    grpc::CallbackServerContext* context,
    const storage::v1::ReadSubmissionRequest* request) {
  absl::MutexLock lock(&mu_);
  for (const Stored& stored : stored_) {
    if (stored.record.course_id() == request->course_id() &&
        stored.record.submission_id() == request->submission_id()) {
      return new ReadReactor(stored.content);
    }
  }
  return new ReadReactor(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                      "fake storage: no such submission"));
}

}  // namespace handin::testing
