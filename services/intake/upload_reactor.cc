#include "services/intake/upload_reactor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/async_unary.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "common/request_id.h"
#include "services/intake/intake_metrics.h"
#include "services/intake/refusals.h"
#include "services/intake/resume.h"
#include "spdlog/spdlog.h"

namespace handin::intake {
namespace {

using common::v1::Verdict;

absl::Status ClientCancelled() {
  return absl::CancelledError(
      "the client cancelled the upload; nothing was stored");
}

}  // namespace

UploadReactor::UploadReactor(grpc::CallbackServerContext* context,
                             v1::UploadResponse* response, UploadDeps deps)
    : context_(context), response_(response), deps_(deps) {
  IntakeMetrics::Get().UploadOpened();
  absl::StatusOr<Principal> caller = deps_.authenticator->CallerOf(*context_);
  if (!caller.ok()) {
    spdlog::warn("event=upload_rejected code=UNAUTHENTICATED peer={}",
                 context_->peer());
    Finish(ToGrpcStatus(caller.status()));
    return;
  }
  caller_ = *caller;
  principal_ = caller->subject;
  if (absl::Status admitted = deps_.limits->Admit(principal_); !admitted.ok()) {
    spdlog::warn(
        "event=upload_rejected code=RESOURCE_EXHAUSTED principal={} "
        "msg=\"{}\"",
        principal_, std::string(admitted.message()));
    IntakeMetrics::Get().Refused(admitted.code());
    Finish(ToGrpcStatus(admitted));
    return;
  }
  admitted_ = true;
  watch_id_ = deps_.watchdog->Register(this);
  ReadNext();
}

void UploadReactor::ReadNext(bool on_executor) {
  UploadWatchdog* const watchdog = deps_.watchdog;
  const uint64_t id = watch_id_;
  absl::StatusOr<uint64_t> read = watchdog->BeginRead(id);
  if (!read.ok()) {
    return FailFrom(on_executor, read.status());
  }
  StartRead(&request_);
  // The upload may be gone from here on: locals only.
  watchdog->ReadIssued(id, *read);
}

void UploadReactor::Expire(const absl::Status& why) {
  // Scheduled by the watchdog's thread, which serves no request.
  RequestIdScope scope(RequestIdOf(*context_));
  Fail(why);
}

void UploadReactor::OnReadDone(bool ok) {
  // gRPC calls this outside the handler's request-id scope; the tasks it
  // schedules, and their log lines and peer calls, need the id.
  RequestIdScope scope(RequestIdOf(*context_));
  // The watchdog has handed this upload's expiry to the executor.
  if (!deps_.watchdog->ReadDone(watch_id_)) return;
  if (!ok) {
    deps_.executor->Schedule([this] { HandleStreamEnd(); });
    return;
  }
  // The instants are taken as the messages are read, before any queueing,
  // so a rush at the server does not make anyone late.
  const absl::Time now = deps_.clock->Now();
  if (absl::Status order = CheckMessageOrder(phase_, request_); !order.ok()) {
    return FailOnExecutor(order);
  }
  switch (request_.kind_case()) {
    case v1::UploadRequest::kMetadata:
      started_at_ = now;
      // Only a resume asks storage and waits for its answer here.
      if (request_.metadata().resume_offset() > 0) {
        deps_.executor->Schedule(
            [this] { HandleMetadata(/*on_executor=*/true); });
        return;
      }
      HandleMetadata(/*on_executor=*/false);
      break;
    case v1::UploadRequest::kChunk:
      if (NothingBlocks()) {
        if (absl::Status taken = TakeChunk(); !taken.ok()) {
          return FailOnExecutor(taken);
        }
        ReadNext(/*on_executor=*/false);
        return;
      }
      deps_.executor->Schedule([this] { HandleChunk(); });
      break;
    default:  // kFinish; CheckMessageOrder rejected KIND_NOT_SET.
      completed_at_ = now;
      if (absl::Status complete = CheckComplete(); !complete.ok()) {
        return FailOnExecutor(complete);
      }
      if (PrecheckVerdictStands()) return Judged(*std::move(precheck_verdict_));
      Evaluate(completed_at_, [this](absl::StatusOr<Verdict> verdict) {
        Judged(std::move(verdict));
      });
      break;
  }
}

void UploadReactor::OnCancel() {
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  storage_.Cancel();
}

void UploadReactor::OnDone() {
  deps_.watchdog->Unregister(watch_id_);
  IntakeMetrics::Get().UploadClosed();
  delete this;
}

void UploadReactor::HandleMetadata(bool on_executor) {
  if (Cancelled()) return FailFrom(on_executor, ClientCancelled());
  metadata_ = std::move(*request_.mutable_metadata());
  // A token for another course records nothing in this one. (An empty
  // course is ValidateMetadata's to refuse.)
  if (!metadata_.course_id().empty()) {
    if (absl::Status course = CheckCallerCourse(caller_, metadata_.course_id());
        !course.ok()) {
      return FailFrom(on_executor, course);
    }
  }
  metadata_received_ = true;
  if (absl::Status valid =
          ValidateMetadata(metadata_, deps_.options->max_file_bytes);
      !valid.ok()) {
    return FailFrom(on_executor, valid);
  }
  if (metadata_.resume_offset() > 0) {  // On the executor (OnReadDone).
    absl::StatusOr<Resumption> resumption = FindResumption();
    if (!resumption.ok()) return Fail(resumption.status());
    if (resumption->stored.has_value()) {
      return Replay(*std::move(resumption->stored));
    }
    // The first attempt's start is the one that counts.
    started_at_ = resumption->started_at;
    return Precheck();
  }
  LookUpPrior(deps_.storage->ForCourse(metadata_.course_id()),
              deps_.options->peer_call_timeout, metadata_, principal_,
              [this](std::optional<common::v1::SubmissionRecord> prior) {
                if (!prior.has_value()) return Precheck();
                if (absl::Status same = CheckReplay(metadata_, *prior);
                    !same.ok()) {
                  return FailOnExecutor(same);
                }
                Replay(*std::move(prior));
              });
}

void UploadReactor::Replay(common::v1::SubmissionRecord prior) {
  // A retry of a stored upload: answer with its receipt at once; the bytes
  // need not come again.
  spdlog::info(
      "event=upload_replayed course={} item={} principal={} submission_id={}",
      metadata_.course_id(), metadata_.item_id(), principal_,
      prior.submission_id());
  Succeed(std::move(prior), /*replayed=*/true);
}

void UploadReactor::Precheck() {
  Evaluate(std::nullopt, [this](absl::StatusOr<Verdict> verdict) {
    if (!verdict.ok()) return FailOnExecutor(verdict.status());
    if (absl::Status allowed = VerdictAllowsUpload(*verdict); !allowed.ok()) {
      return FailOnExecutor(allowed);
    }
    precheck_verdict_ = *std::move(verdict);
    // Opening a spool copy or a storage stream blocks; holding does not.
    if (content_rule_.has_value() ||
        !StorageUpload::Holds(metadata_.resume_offset(), metadata_.size_bytes(),
                              deps_.options->held_upload_max_bytes)) {
      deps_.executor->Schedule([this] { OpenUpload(/*on_executor=*/true); });
      return;
    }
    OpenUpload(/*on_executor=*/false);
  });
}

void UploadReactor::OpenUpload(bool on_executor) {
  const absl::Duration window =
      completion_window_.value_or(absl::ZeroDuration());
  const bool resuming = metadata_.resume_offset() > 0;
  // A resumed upload's window counts from its first attempt's start.
  const absl::Duration elapsed =
      resuming ? deps_.clock->Now() - started_at_ : absl::ZeroDuration();
  if (resuming) {
    if (absl::Status open =
            CheckResumeWindow(started_at_, deps_.clock->Now(), window);
        !open.ok()) {
      return FailFrom(on_executor, open);
    }
  }
  if (content_rule_.has_value()) {  // On the executor (Precheck).
    if (absl::Status fits = CheckDeclaredSize(
            *content_rule_, metadata_.item_id(), metadata_.size_bytes(),
            deps_.options->max_file_bytes);
        !fits.ok()) {
      return Fail(fits);
    }
    if (absl::Status spooled = OpenSpool(); !spooled.ok()) {
      return Fail(spooled);
    }
  }
  if (window > absl::ZeroDuration()) {
    deps_.watchdog->SetTotalLimit(watch_id_, window, elapsed);
  }
  chunks_.emplace(metadata_.size_bytes(), deps_.options->max_chunk_bytes,
                  metadata_.resume_offset());
  if (absl::Status opened = storage_.Start(
          deps_.storage->ForCourse(metadata_.course_id()),
          StorageHeader(metadata_, principal_, started_at_),
          metadata_.size_bytes(), deps_.options->held_upload_max_bytes,
          deps_.options->peer_call_timeout);
      !opened.ok()) {
    return FailFrom(on_executor, opened);
  }
  phase_ = UploadPhase::kReceivingChunks;
  spdlog::info(
      "event=upload_started course={} item={} principal={} size={} "
      "started_at={} resume_offset={}",
      metadata_.course_id(), metadata_.item_id(), principal_,
      metadata_.size_bytes(), FormatUtc(started_at_),
      metadata_.resume_offset());
  ReadNext(on_executor);
}

absl::StatusOr<Resumption> UploadReactor::FindResumption() {
  absl::StatusOr<storage::v1::QueryUploadResponse> held =
      QueryStorage(deps_.storage->ForCourse(metadata_.course_id()),
                   deps_.options->peer_call_timeout, metadata_.course_id(),
                   principal_, metadata_.idempotency_key());
  if (!held.ok()) return held.status();
  return CheckResume(metadata_, *held);
}

absl::Status UploadReactor::OpenSpool() {
  absl::StatusOr<std::unique_ptr<SpoolFile>> spool =
      metadata_.idempotency_key().empty()
          ? SpoolFile::Create(deps_.options->spool_dir, metadata_.size_bytes())
          : SpoolFile::OpenResumable(deps_.options->spool_dir,
                                     {principal_, metadata_.course_id(),
                                      metadata_.idempotency_key()},
                                     metadata_.size_bytes(),
                                     metadata_.resume_offset());
  if (!spool.ok()) return spool.status();
  spool_ = *std::move(spool);
  return absl::OkStatus();
}

void UploadReactor::HandleChunk() {
  if (absl::Status taken = TakeChunk(); !taken.ok()) return Fail(taken);
  ReadNext();
}

absl::Status UploadReactor::TakeChunk() {
  if (Cancelled()) return ClientCancelled();
  common::v1::Chunk& chunk = *request_.mutable_chunk();
  if (absl::Status accepted = chunks_->Accept(chunk); !accepted.ok()) {
    return accepted;
  }
  IntakeMetrics::Get().BytesReceived(chunk.data().size());
  if (spool_ != nullptr) {
    if (absl::Status spooled = spool_->Append(chunk.data()); !spooled.ok()) {
      return spooled;
    }
  }
  return storage_.Append(chunk);
}

absl::Status UploadReactor::CheckComplete() {
  if (Cancelled()) return ClientCancelled();
  return chunks_->CheckComplete();
}

bool UploadReactor::PrecheckVerdictStands() const {
  return intake::PrecheckVerdictStands(*precheck_verdict_, completion_window_,
                                       started_at_, completed_at_);
}

void UploadReactor::Judged(absl::StatusOr<Verdict> verdict) {
  if (!verdict.ok()) return FailOnExecutor(verdict.status());
  if (NothingBlocks()) {
    return Commit(*std::move(verdict), /*on_executor=*/false);
  }
  deps_.executor->Schedule([this, verdict = *std::move(verdict)] {
    Commit(verdict, /*on_executor=*/true);
  });
}

void UploadReactor::Commit(Verdict verdict, bool on_executor) {
  if (absl::Status allowed = VerdictAllowsUpload(verdict); !allowed.ok()) {
    return FailFrom(on_executor, allowed);
  }
  common::v1::SubmissionRecord record;
  record.set_course_id(metadata_.course_id());
  record.set_item_id(metadata_.item_id());
  record.set_principal(principal_);
  record.set_file_name(metadata_.file_name());
  record.set_size_bytes(metadata_.size_bytes());
  record.set_sha256_hex(metadata_.sha256_hex());
  *record.mutable_started_at() = ToProtoTimestamp(started_at_);
  *record.mutable_completed_at() = ToProtoTimestamp(completed_at_);
  *record.mutable_verdict() = std::move(verdict);
  record.set_idempotency_key(metadata_.idempotency_key());
  record.set_policy_digest(policy_digest_);
  if (spool_ != nullptr) {  // Only ever on the executor (OnReadDone).
    if (absl::Status content = CheckContent(record); !content.ok()) {
      return Fail(content);
    }
  }
  storage_.Commit(
      std::move(record),
      [this](absl::StatusOr<storage::v1::PutSubmissionResponse> stored) {
        Committed(std::move(stored));
      });
}

void UploadReactor::Committed(
    absl::StatusOr<storage::v1::PutSubmissionResponse> stored) {
  // A held upload's answer comes on a gRPC thread, outside the call's scope.
  RequestIdScope scope(RequestIdOf(*context_));
  if (!stored.ok()) return FailOnExecutor(stored.status());
  spdlog::info(
      "event=upload_committed course={} item={} principal={} "
      "submission_id={} size={} verdict={}",
      metadata_.course_id(), metadata_.item_id(), principal_,
      stored->record().submission_id(), metadata_.size_bytes(),
      common::v1::VerdictKind_Name(stored->record().verdict().kind()));
  if (!stored->replayed()) {
    IntakeMetrics::Get().Stored(stored->record().verdict().kind());
  }
  Succeed(std::move(*stored->mutable_record()), stored->replayed());
}

absl::Status UploadReactor::CheckContent(common::v1::SubmissionRecord& record) {
  absl::Status intact = spool_->CheckSha256(metadata_.sha256_hex());
  absl::StatusOr<ContentFindings> findings =
      intact.ok() ? deps_.content->Check(spool_->path(), *content_rule_,
                                         metadata_.item_id())
                  : intact;
  if (!findings.ok()) return findings.status();
  spdlog::info(
      "event=content_accepted course={} item={} principal={} media_type={} "
      "warnings={}",
      metadata_.course_id(), metadata_.item_id(), principal_,
      findings->media_type, findings->warnings.size());
  record.set_media_type(std::move(findings->media_type));
  for (std::string& warning : findings->warnings) {
    record.add_content_warnings(std::move(warning));
  }
  return absl::OkStatus();
}

void UploadReactor::Succeed(common::v1::SubmissionRecord record,
                            bool replayed) {
  spool_.reset();  // Stored: the copy is no longer needed.
  if (const ReceiptKey* key = deps_.options->receipt_key.get();
      key != nullptr) {
    absl::StatusOr<common::v1::SignedReceipt> receipt =
        key->Sign(ClaimsFor(record));
    if (receipt.ok()) {
      *response_->mutable_receipt() = *std::move(receipt);
    } else {
      // Stored all the same; the record is the receipt, unsigned.
      spdlog::error("event=receipt_not_signed submission_id={} msg=\"{}\"",
                    record.submission_id(),
                    std::string(receipt.status().message()));
    }
  }
  *response_->mutable_submission() = std::move(record);
  response_->set_replayed(replayed);
  Respond(grpc::Status::OK);
}

void UploadReactor::HandleStreamEnd() {
  if (Cancelled() || context_->IsCancelled()) return Fail(ClientCancelled());
  if (phase_ == UploadPhase::kAwaitingMetadata) {
    return Fail(absl::InvalidArgumentError(
        "the upload stream ended before its metadata; nothing was stored"));
  }
  return Fail(absl::InvalidArgumentError(
      absl::StrCat("the upload stream ended without a finish message after ",
                   chunks_->received(), " of ", metadata_.size_bytes(),
                   " bytes; nothing was stored, submit again")));
}

void UploadReactor::Evaluate(std::optional<absl::Time> completed_at,
                             VerdictDone done) {
  deadline::v1::EvaluateRequest request;
  request.set_course_id(metadata_.course_id());
  request.set_principal(principal_);
  request.set_item_id(metadata_.item_id());
  *request.mutable_started_at() = ToProtoTimestamp(started_at_);
  if (completed_at.has_value()) {
    *request.mutable_completed_at() = ToProtoTimestamp(*completed_at);
  }
  CallUnaryAsync<deadline::v1::EvaluateResponse>(
      std::move(request), deps_.options->peer_call_timeout,
      [this](auto... call) { deps_.deadline->async()->Evaluate(call...); },
      [this, precheck = !completed_at.has_value(), done = std::move(done)](
          grpc::Status status,
          deadline::v1::EvaluateResponse response) mutable {
        if (!status.ok()) {
          return std::move(done)(PeerError("deadline", FromGrpcStatus(status)));
        }
        policy_digest_ = response.policy_digest();
        if (precheck) {
          if (response.has_content()) content_rule_ = response.content();
          if (response.has_completion_window()) {
            completion_window_ =
                FromProtoDuration(response.completion_window());
          }
        }
        std::move(done)(std::move(*response.mutable_verdict()));
      });
}

bool UploadReactor::Cancelled() {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

void UploadReactor::FailFrom(bool on_executor, const absl::Status& why) {
  on_executor ? Fail(why) : FailOnExecutor(why);
}

void UploadReactor::FailOnExecutor(absl::Status why) {
  deps_.executor->Schedule([this, why = std::move(why)] { Fail(why); });
}

void UploadReactor::Fail(const absl::Status& status) {
  // Storage keeps the bytes of a broken resumable stream; the spool copy
  // stays beside them for the resume.
  if (MayResumeAfter(status)) {
    if (spool_ != nullptr) spool_->Keep();
    storage_.StageForResume();
  }
  spool_.reset();
  storage_.Abandon();
  spdlog::warn(
      "event=upload_failed course={} item={} principal={} code={} msg=\"{}\"",
      metadata_.course_id(), metadata_.item_id(), principal_,
      absl::StatusCodeToString(status.code()), std::string(status.message()));
  if (IsRecordedRefusal(status)) {
    deps_.limits->NoteRefusal(principal_);
    IntakeMetrics::Get().Refused(status.code());
  }
  if (metadata_received_) {
    const AttemptFacts facts{&metadata_, principal_,
                             chunks_.has_value() ? chunks_->received() : 0,
                             started_at_, deps_.clock->Now()};
    if (absl::Status recorded =
            RecordRefusal(deps_.storage->ForCourse(metadata_.course_id()),
                          deps_.options->peer_call_timeout, facts, status);
        !recorded.ok()) {
      spdlog::error(
          "event=refusal_not_recorded course={} item={} principal={} "
          "code={} msg=\"{}\"",
          metadata_.course_id(), metadata_.item_id(), principal_,
          absl::StatusCodeToString(recorded.code()),
          std::string(recorded.message()));
    }
  }
  Respond(ToGrpcStatus(status));
}

void UploadReactor::Respond(const grpc::Status& status) {
  if (admitted_) deps_.limits->Release(principal_);
  admitted_ = false;
  Finish(status);
}

}  // namespace handin::intake
