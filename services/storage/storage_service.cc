#include "services/storage/storage_service.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "common/request_id.h"
#include "services/storage/storage_metrics.h"
#include "services/storage/unary_rpc.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

using handin::common::v1::Chunk;
using handin::common::v1::SubmissionRecord;
using handin::storage::v1::CreateCheckpointRequest;
using handin::storage::v1::CreateCheckpointResponse;
using handin::storage::v1::GetSubmissionRequest;
using handin::storage::v1::ListSubmissionsRequest;
using handin::storage::v1::ListSubmissionsResponse;
using handin::storage::v1::PutSubmissionRequest;
using handin::storage::v1::PutSubmissionResponse;
using handin::storage::v1::ReadSubmissionRequest;

// Commits `upload` as `record` (SubmissionStore::Commit, timed for the
// metrics) and fills `response` with the stored record.
absl::Status CommitUpload(SubmissionStore& store, Upload& upload,
                          SubmissionRecord record,
                          PutSubmissionResponse& response) {
  bool replayed = false;
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<SubmissionRecord> stored =
      store.Commit(upload, std::move(record), &replayed);
  StorageMetrics::Get().CommitTook(std::chrono::steady_clock::now() - started);
  if (!stored.ok()) return stored.status();
  *response.mutable_record() = *std::move(stored);
  response.set_replayed(replayed);
  return absl::OkStatus();
}

// One PutSubmission stream. At most one thing happens at a time: a read is
// outstanding, or one task on the executor handles the message just read
// and then starts the next read (or finishes). So the members need no lock.
class PutReactor final : public grpc::ServerReadReactor<PutSubmissionRequest> {
 public:
  PutReactor(grpc::CallbackServerContext* context, SubmissionStore& store,
             Executor& executor, PutSubmissionResponse* response)
      : context_(context),
        store_(store),
        executor_(executor),
        response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    // Tasks scheduled here, and their log lines, carry the call's id.
    RequestIdScope scope(RequestIdOf(*context_));
    if (!ok) {
      // The client half-closed before committing, or the call was
      // cancelled (then the status is not delivered, but Finish is owed).
      const bool staged = upload_ != nullptr && upload_->resumable();
      const std::string outcome =
          staged ? "the bytes received stay staged for a resume"
                 : "nothing was stored";
      Fail(context_->IsCancelled()
               ? absl::CancelledError(
                     absl::StrCat("the call was cancelled; ", outcome))
               : absl::FailedPreconditionError(absl::StrCat(
                     "the stream ended without a commit message; ", outcome)));
      return;
    }
    switch (request_.kind_case()) {
      case PutSubmissionRequest::kHeader:
        if (upload_ != nullptr) {
          Fail(absl::FailedPreconditionError(
              "a second header: a stream carries one upload"));
          return;
        }
        executor_.Schedule([this] { Begin(); });
        return;
      case PutSubmissionRequest::kChunk:
        if (upload_ == nullptr) {
          Fail(absl::FailedPreconditionError(
              "chunk before header: send the PutHeader first"));
          return;
        }
        executor_.Schedule([this] { AppendChunk(); });
        return;
      case PutSubmissionRequest::kCommit:
        if (upload_ == nullptr) {
          Fail(absl::FailedPreconditionError(
              "commit before header: send the PutHeader first"));
          return;
        }
        executor_.Schedule([this] { Commit(); });
        return;
      case PutSubmissionRequest::KIND_NOT_SET:
        break;
    }
    Fail(absl::InvalidArgumentError(
        "empty PutSubmissionRequest: set header, chunk or commit"));
  }

  // A cancelled call fails the outstanding read (or the next one, once the
  // executor task in flight starts it), and OnReadDone(false) cleans up.
  void OnCancel() override {}

  void OnDone() override { delete this; }

 private:
  // Runs on the executor: a resumed upload reads its staged bytes back.
  void Begin() {
    absl::StatusOr<std::unique_ptr<Upload>> upload =
        store_.BeginUpload(request_.header());
    if (!upload.ok()) {
      Fail(upload.status());
      return;
    }
    upload_ = *std::move(upload);
    StartRead(&request_);
  }

  // Runs on the executor.
  void AppendChunk() {
    Chunk& chunk = *request_.mutable_chunk();
    absl::Status status =
        store_.AppendChunk(*upload_, chunk.offset(), chunk.data());
    if (status.ok()) StorageMetrics::Get().BytesReceived(chunk.data().size());
    chunk.clear_data();
    if (!status.ok()) {
      ReleaseAndFinish(status);
      return;
    }
    StartRead(&request_);
  }

  // Runs on the executor.
  void Commit() {
    if (context_->IsCancelled()) {
      // Nobody would get the receipt. (A cancel that lands during the
      // synced write below still leaves a stored, unacknowledged record.)
      ReleaseAndFinish(
          absl::CancelledError("the call was cancelled; nothing was stored"));
      return;
    }
    absl::Status committed = CommitUpload(
        store_, *upload_,
        std::move(*request_.mutable_commit()->mutable_record()), *response_);
    if (!committed.ok()) {
      ReleaseAndFinish(committed);
      return;
    }
    Finish(grpc::Status::OK);
  }

  // Ends the call with `status`, releasing the upload (SubmissionStore::
  // Release: a resumable upload keeps its staged bytes, any other loses
  // them). RocksDB work goes to the executor.
  void Fail(absl::Status status) {
    if (upload_ == nullptr) {
      Log(status);
      Finish(ToGrpcStatus(status));
      return;
    }
    executor_.Schedule(
        [this, status = std::move(status)] { ReleaseAndFinish(status); });
  }

  // Runs on the executor.
  void ReleaseAndFinish(const absl::Status& status) {
    Log(status);
    if (upload_ != nullptr) {
      absl::Status released = store_.Release(*upload_);
      if (!released.ok()) {
        spdlog::warn("event=release_failed error=\"{}\"", released.ToString());
      }
    }
    Finish(ToGrpcStatus(status));
  }

  void Log(const absl::Status& status) {
    spdlog::warn(
        "event=put_failed course={} received={} resumable={} code={} "
        "error=\"{}\"",
        upload_ != nullptr ? upload_->course_id() : "",
        upload_ != nullptr ? upload_->bytes_received() : 0,
        upload_ != nullptr && upload_->resumable(),
        absl::StatusCodeToString(status.code()), std::string(status.message()));
  }

  grpc::CallbackServerContext* const context_;
  SubmissionStore& store_;
  Executor& executor_;
  PutSubmissionResponse* const response_;
  PutSubmissionRequest request_;
  std::unique_ptr<Upload> upload_;  // set by the header
};

// One ReadSubmission stream: opens the blob, then alternates between reading
// a piece on the executor and writing it; the next piece is read only once
// the previous write is done.
class ReadReactor final : public grpc::ServerWriteReactor<Chunk> {
 public:
  ReadReactor(SubmissionStore& store, Executor& executor,
              const ReadSubmissionRequest& request)
      : store_(store), executor_(executor) {
    if (request.course_id().empty() || request.submission_id().empty()) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "course_id and submission_id are required"));
      return;
    }
    executor_.Schedule([this, course = request.course_id(),
                        id = request.submission_id()] { Open(course, id); });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      // The client went away; the status is not delivered.
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    executor_.Schedule([this] { WriteNextPiece(); });
  }

  void OnCancel() override {}

  // Drops the reader (and its RocksDB iterator) before the store can close.
  void OnDone() override { delete this; }

 private:
  // Runs on the executor.
  void Open(const std::string& course_id, const std::string& submission_id) {
    absl::StatusOr<std::unique_ptr<BlobReader>> reader =
        store_.OpenBlob(course_id, submission_id, kReadPieceBytes);
    if (!reader.ok()) {
      Finish(ToGrpcStatus(reader.status()));
      return;
    }
    reader_ = *std::move(reader);
    WriteNextPiece();
  }

  // Runs on the executor.
  void WriteNextPiece() {
    const int64_t offset = reader_->offset();
    absl::StatusOr<std::string> piece = reader_->Next();
    if (!piece.ok()) {
      spdlog::error("event=read_failed code={} error=\"{}\"",
                    absl::StatusCodeToString(piece.status().code()),
                    std::string(piece.status().message()));
      Finish(ToGrpcStatus(piece.status()));
      return;
    }
    if (piece->empty()) {
      Finish(grpc::Status::OK);
      return;
    }
    chunk_.set_offset(offset);
    chunk_.set_data(*std::move(piece));
    StartWrite(&chunk_);
  }

  SubmissionStore& store_;
  Executor& executor_;
  std::unique_ptr<BlobReader> reader_;
  Chunk chunk_;  // the piece being written; untouched until OnWriteDone
};

}  // namespace

StorageServiceImpl::StorageServiceImpl(SubmissionStore& store,
                                       Executor& executor,
                                       const std::string& checkpoint_dir)
    : store_(store),
      executor_(executor),
      grades_(std::make_unique<GradeStore>(store.database(), store.clock(),
                                           store.audit())),
      checkpoints_(store.database(), checkpoint_dir, store.clock()) {
  // Registered now, so /metrics lists them before the first upload.
  StorageMetrics::Get();
}

grpc::ServerReadReactor<PutSubmissionRequest>*
StorageServiceImpl::PutSubmission(grpc::CallbackServerContext* context,
                                  PutSubmissionResponse* response) {
  return new PutReactor(context, store_, executor_, response);
}

grpc::ServerUnaryReactor* StorageServiceImpl::StoreSubmission(
    grpc::CallbackServerContext* context,
    const v1::StoreSubmissionRequest* request,
    PutSubmissionResponse* response) {
  return FinishOnExecutor(
      context, executor_, [this, context, request, response]() -> absl::Status {
        absl::StatusOr<std::unique_ptr<Upload>> upload =
            store_.BeginUpload(request->record().course_id());
        if (!upload.ok()) return upload.status();
        // An open upload that goes out of scope is released: nothing stays.
        if (!request->content().empty()) {
          if (absl::Status appended =
                  store_.AppendChunk(**upload, 0, request->content());
              !appended.ok()) {
            return appended;
          }
          StorageMetrics::Get().BytesReceived(request->content().size());
        }
        if (context->IsCancelled()) {
          return absl::CancelledError(
              "the call was cancelled; nothing was stored");
        }
        return CommitUpload(store_, **upload, request->record(), *response);
      });
}

grpc::ServerUnaryReactor* StorageServiceImpl::GetSubmission(
    grpc::CallbackServerContext* context, const GetSubmissionRequest* request,
    SubmissionRecord* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->course_id().empty() || request->submission_id().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "course_id and submission_id are required"));
    return reactor;
  }
  executor_.Schedule([this, reactor, request, response] {
    absl::StatusOr<SubmissionRecord> record =
        store_.Get(request->course_id(), request->submission_id());
    if (record.ok()) *response = *std::move(record);
    reactor->Finish(ToGrpcStatus(record.status()));
  });
  return reactor;
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListSubmissions(
    grpc::CallbackServerContext* context, const ListSubmissionsRequest* request,
    ListSubmissionsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->course_id().empty()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "course_id is required"));
    return reactor;
  }
  executor_.Schedule([this, reactor, request, response] {
    absl::StatusOr<std::vector<SubmissionRecord>> records = store_.List(
        request->course_id(), request->item_id(), request->principal());
    if (records.ok()) {
      for (SubmissionRecord& record : *records) {
        *response->add_submissions() = std::move(record);
      }
    }
    reactor->Finish(ToGrpcStatus(records.status()));
  });
  return reactor;
}

grpc::ServerWriteReactor<Chunk>* StorageServiceImpl::ReadSubmission(
    grpc::CallbackServerContext* context,
    const ReadSubmissionRequest* request) {
  return new ReadReactor(store_, executor_, *request);
}

grpc::ServerUnaryReactor* StorageServiceImpl::CreateCheckpoint(
    grpc::CallbackServerContext* context,
    const CreateCheckpointRequest* /*request*/,
    CreateCheckpointResponse* response) {
  return FinishOnExecutor(context, executor_, [this, response] {
    absl::StatusOr<CheckpointResult> made = checkpoints_.Create();
    if (!made.ok()) {
      spdlog::error("event=checkpoint_failed code={} error=\"{}\"",
                    absl::StatusCodeToString(made.status().code()),
                    std::string(made.status().message()));
      return made.status();
    }
    response->set_path(made->path);
    *response->mutable_created_at() = ToProtoTimestamp(made->created_at);
    response->set_audit_sequence(made->audit_sequence);
    response->set_audit_head_hash_hex(made->audit_head_hash_hex);
    return absl::OkStatus();
  });
}

}  // namespace handin::storage
