#ifndef HANDIN_CLIENTS_HANDIN_UPLOAD_RESUME_H_
#define HANDIN_CLIENTS_HANDIN_UPLOAD_RESUME_H_

// How `handin submit` continues an upload whose connection was lost: the
// decisions on their own, as pure functions of the statuses and intake's
// QueryWriteStatus answer, so they can be tested without a server.

#include <cstdint>

#include "grpcpp/support/status.h"
#include "handin/intake/v1/intake_service.pb.h"

namespace handin::client {

// True if an upload attempt that ended with `status` lost its connection
// or its stream part-way, so intake may hold part of it: UNAVAILABLE (the
// server unreachable, the connection reset, or intake's own "storage
// service unreachable"), or a stream the transport removed ("Stream
// removed", "RST_STREAM" with INTERNAL or UNKNOWN).
bool LostConnection(const grpc::Status& status);

// Where to continue after a lost connection, from intake's answer to
// QueryWriteStatus (`query` its status, `held` its response) for a file of
// `file_size` bytes.
struct ResumePoint {
  // Intake could not be reached (UNAVAILABLE, DEADLINE_EXCEEDED): ask again
  // after the backoff; `offset` is meaningless.
  bool ask_again = false;
  // The resume_offset of the next Upload: `file_size` when intake already
  // stored the upload (it answers with the receipt at once, and only the
  // finish is sent), committed_size when intake holds that much of it
  // (0 < committed_size <= file_size), 0 otherwise: nothing held, an
  // answer out of range, or an intake that cannot say (UNIMPLEMENTED, or
  // another error), where a new upload with the same key is still safe.
  int64_t offset = 0;
};
ResumePoint ResumePointFrom(const grpc::Status& query,
                            const intake::v1::QueryWriteStatusResponse& held,
                            int64_t file_size);

// True if an Upload that resumed at `offset` and ended with `status` should
// be sent again from 0: intake refused the resume (FAILED_PRECONDITION for
// an upload sent from offset > 0; it says what it holds, or that it holds
// too little). The caller does this once per submit.
bool ShouldStartAgain(const grpc::Status& status, int64_t offset);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_UPLOAD_RESUME_H_
