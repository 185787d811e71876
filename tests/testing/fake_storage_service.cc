#include "tests/testing/fake_storage_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"

namespace handin::testing {
namespace {

using Code = grpc::StatusCode;

constexpr size_t kReadChunkBytes = size_t{1} << 20;

// True if `stored` (a record or an attempt) is in the course of a list
// `request` and passes its item and principal filters.
template <typename Request, typename Stored>
bool Matches(const Request& request, const Stored& stored) {
  return stored.course_id() == request.course_id() &&
         (request.item_id().empty() || stored.item_id() == request.item_id()) &&
         (request.principal().empty() ||
          stored.principal() == request.principal());
}

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

std::string FakeStorageService::Seed(common::v1::SubmissionRecord record,
                                     std::string content) {
  storage::v1::PutSubmissionResponse response;
  Commit(std::move(record), std::move(content), &response);
  return response.record().submission_id();
}

void FakeStorageService::SeedStaged(storage::v1::StagedUpload upload,
                                    std::string bytes) {
  absl::MutexLock lock(&mu_);
  upload.clear_staged_bytes();
  upload.clear_last_write_at();
  StagedKey key{upload.course_id(), upload.principal(),
                upload.idempotency_key()};
  staged_[key] = Staged{std::move(upload), std::move(bytes), false};
}

std::optional<storage::v1::StagedUpload> FakeStorageService::StagedUploadOf(
    const std::string& course, const std::string& principal,
    const std::string& key) const {
  absl::MutexLock lock(&mu_);
  return StagedLocked(course, principal, key);
}

std::optional<storage::v1::StagedUpload> FakeStorageService::StagedLocked(
    const std::string& course, const std::string& principal,
    const std::string& key) const {
  auto it = staged_.find(StagedKey{course, principal, key});
  if (it == staged_.end()) return std::nullopt;
  storage::v1::StagedUpload upload = it->second.upload;
  upload.set_staged_bytes(static_cast<int64_t>(it->second.bytes.size()));
  return upload;
}

grpc::Status FakeStorageService::BeginStaged(
    const storage::v1::PutHeader& header, std::string* prefix) {
  const storage::v1::StagedUpload& wanted = header.resumable();
  if (wanted.course_id() != header.course_id() || wanted.principal().empty() ||
      wanted.idempotency_key().empty() || wanted.item_id().empty() ||
      wanted.sha256_hex().empty() || !wanted.has_started_at()) {
    return grpc::Status(Code::INVALID_ARGUMENT,
                        "fake storage: resumable header missing a field");
  }
  absl::MutexLock lock(&mu_);
  const StagedKey key{wanted.course_id(), wanted.principal(),
                      wanted.idempotency_key()};
  auto it = staged_.find(key);
  if (it != staged_.end() && it->second.live) {
    return grpc::Status(Code::FAILED_PRECONDITION,
                        "fake storage: another stream holds the key");
  }
  if (header.resume_offset() == 0) {
    staged_[key] = Staged{wanted, "", /*live=*/true};
    prefix->clear();
    return grpc::Status::OK;
  }
  const int64_t staged_bytes =
      it == staged_.end() ? 0 : static_cast<int64_t>(it->second.bytes.size());
  if (it == staged_.end() || staged_bytes != header.resume_offset()) {
    return grpc::Status(
        Code::FAILED_PRECONDITION,
        absl::StrCat("fake storage: resume_offset ", header.resume_offset(),
                     " but ", staged_bytes, " bytes staged"));
  }
  // Staged as a header gave it: the same fields serialize the same.
  if (it->second.upload.SerializeAsString() != wanted.SerializeAsString()) {
    return grpc::Status(
        Code::FAILED_PRECONDITION,
        "fake storage: the resumable fields differ from the staged upload's");
  }
  it->second.live = true;
  *prefix = it->second.bytes;
  return grpc::Status::OK;
}

void FakeStorageService::EndStaged(const storage::v1::StagedUpload& upload,
                                   std::string bytes, bool committed) {
  absl::MutexLock lock(&mu_);
  auto it = staged_.find(StagedKey{upload.course_id(), upload.principal(),
                                   upload.idempotency_key()});
  if (it == staged_.end()) return;
  if (committed) {
    staged_.erase(it);
    return;
  }
  it->second.bytes = std::move(bytes);
  it->second.live = false;
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

template <typename Request>
const FakeStorageService::Stored* FakeStorageService::FindLocked(
    const Request& request) const {
  for (const Stored& stored : stored_) {
    if (stored.record.course_id() == request.course_id() &&
        stored.record.submission_id() == request.submission_id()) {
      return &stored;
    }
  }
  return nullptr;
}

const common::v1::SubmissionRecord* FakeStorageService::FindKeyLocked(
    const std::string& course, const std::string& principal,
    const std::string& key) const {
  for (const Stored& stored : stored_) {
    const common::v1::SubmissionRecord& record = stored.record;
    if (!key.empty() && record.idempotency_key() == key &&
        record.course_id() == course && record.principal() == principal) {
      return &record;
    }
  }
  return nullptr;
}

grpc::Status FakeStorageService::Commit(
    common::v1::SubmissionRecord record, std::string content,
    storage::v1::PutSubmissionResponse* response) {
  absl::MutexLock lock(&mu_);
  if (const common::v1::SubmissionRecord* found = FindKeyLocked(
          record.course_id(), record.principal(), record.idempotency_key())) {
    if (found->sha256_hex() != record.sha256_hex() ||
        found->size_bytes() != record.size_bytes() ||
        found->item_id() != record.item_id()) {
      return grpc::Status(
          Code::ALREADY_EXISTS,
          absl::StrCat("fake storage: idempotency key \"",
                       record.idempotency_key(), "\" names SHA-256 ",
                       found->sha256_hex(), ", not ", record.sha256_hex()));
    }
    *response->mutable_record() = *found;
    response->set_replayed(true);
    return grpc::Status::OK;
  }
  record.set_submission_id(absl::StrFormat("sub-%06d", next_id_++));
  stored_.push_back({record, std::move(content)});
  *response->mutable_record() = std::move(record);
  if (lose_next_response_) {
    lose_next_response_ = false;
    return grpc::Status(Code::UNAVAILABLE, "fake storage: response lost");
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* FakeStorageService::GetSubmission(
    grpc::CallbackServerContext* context,
    const storage::v1::GetSubmissionRequest* request,
    common::v1::SubmissionRecord* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  const Stored* stored = FindLocked(*request);
  if (stored != nullptr) *response = stored->record;
  reactor->Finish(stored != nullptr ? grpc::Status::OK : NoSuchSubmission());
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
    if (Matches(*request, stored.record)) {
      *response->add_submissions() = stored.record;
    }
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<common::v1::Chunk>* FakeStorageService::ReadSubmission(
    grpc::CallbackServerContext* context,
    const storage::v1::ReadSubmissionRequest* request) {
  absl::MutexLock lock(&mu_);
  const Stored* stored = FindLocked(*request);
  if (stored == nullptr) return new ReadReactor(NoSuchSubmission());
  return new ReadReactor(stored->content);
}

grpc::ServerUnaryReactor* FakeStorageService::QueryUpload(
    grpc::CallbackServerContext* context,
    const storage::v1::QueryUploadRequest* request,
    storage::v1::QueryUploadResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->course_id().empty() || request->principal().empty() ||
      request->idempotency_key().empty()) {
    reactor->Finish(grpc::Status(Code::INVALID_ARGUMENT,
                                 "fake storage: QueryUpload missing a field"));
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  if (const common::v1::SubmissionRecord* found =
          FindKeyLocked(request->course_id(), request->principal(),
                        request->idempotency_key())) {
    *response->mutable_record() = *found;
  } else if (std::optional<storage::v1::StagedUpload> staged =
                 StagedLocked(request->course_id(), request->principal(),
                              request->idempotency_key())) {
    *response->mutable_staged() = *std::move(staged);
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* FakeStorageService::LookupIdempotencyKey(
    grpc::CallbackServerContext* context,
    const storage::v1::LookupIdempotencyKeyRequest* request,
    storage::v1::LookupIdempotencyKeyResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  if (const common::v1::SubmissionRecord* found =
          FindKeyLocked(request->course_id(), request->principal(),
                        request->idempotency_key())) {
    *response->mutable_record() = *found;
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* FakeStorageService::RecordRefusal(
    grpc::CallbackServerContext* context,
    const storage::v1::RecordRefusalRequest* request,
    storage::v1::RecordRefusalResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const common::v1::RefusedAttempt& attempt = request->attempt();
  if (!attempt.attempt_id().empty() || attempt.course_id().empty() ||
      attempt.item_id().empty() || attempt.principal().empty() ||
      attempt.code().empty() || attempt.reason().empty()) {
    reactor->Finish(grpc::Status(Code::INVALID_ARGUMENT,
                                 "fake storage: malformed refused attempt"));
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  *response->mutable_attempt() = attempt;
  response->mutable_attempt()->set_attempt_id(
      absl::StrFormat("att-%06d", next_id_++));
  refusals_.push_back(response->attempt());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* FakeStorageService::ListRefusals(
    grpc::CallbackServerContext* context,
    const storage::v1::ListRefusalsRequest* request,
    storage::v1::ListRefusalsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  for (const common::v1::RefusedAttempt& attempt : refusals_) {
    if (Matches(*request, attempt)) *response->add_attempts() = attempt;
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace handin::testing
