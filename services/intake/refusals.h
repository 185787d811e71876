#ifndef HANDIN_SERVICES_INTAKE_REFUSALS_H_
#define HANDIN_SERVICES_INTAKE_REFUSALS_H_

// Refused uploads as evidence: what intake tells storage about an upload it
// refused, so a student's "I did submit" can be checked against the record.
// The upload state machine calls RecordRefusal from its one failure path
// (UploadReactor::Fail); a content check that refuses an upload before the
// commit only has to fail the upload with a status IsRecordedRefusal
// accepts (e.g. INVALID_ARGUMENT or FAILED_PRECONDITION and a reason a
// student can act on) to be recorded the same way.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "handin/common/v1/common.pb.h"
#include "handin/intake/v1/intake_service.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"

namespace handin::intake {

// What intake knew about an upload when it refused it.
struct AttemptFacts {
  // The upload's metadata as the client sent it.
  const v1::UploadMetadata* metadata = nullptr;
  // Who uploaded (the caller).
  std::string principal;
  // Bytes accepted before the refusal.
  int64_t bytes_received = 0;
  // When the metadata was accepted, and when the upload was refused
  // (intake's clock).
  absl::Time started_at;
  absl::Time refused_at;
};

// Returns the RefusedAttempt storage keeps for `facts` refused with
// `refusal` (its code by name and its message as the reason).
common::v1::RefusedAttempt MakeRefusedAttempt(const AttemptFacts& facts,
                                              const absl::Status& refusal);

// Records `refusal` of the upload `facts` describes with storage, if it is
// one to record (IsRecordedRefusal) and the metadata names a course and an
// item; otherwise does nothing and returns OK. Blocks for at most `timeout`.
// Returns storage's error (mapped by PeerError) when it could not be
// recorded; the caller logs it and still answers the student with
// `refusal`.
absl::Status RecordRefusal(storage::v1::StorageService::StubInterface& storage,
                           absl::Duration timeout, const AttemptFacts& facts,
                           const absl::Status& refusal);

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_REFUSALS_H_
