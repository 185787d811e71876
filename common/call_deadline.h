#ifndef HANDIN_COMMON_CALL_DEADLINE_H_
#define HANDIN_COMMON_CALL_DEADLINE_H_

#include <chrono>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"

namespace handin {

// Bounds the call `context` is for to `timeout` from now. Transport
// deadlines are real elapsed time, never a domain Clock (which a test may
// have set to any instant).
inline void SetDeadlineAfter(grpc::ClientContext& context,
                             absl::Duration timeout) {
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(timeout));
}

}  // namespace handin

#endif  // HANDIN_COMMON_CALL_DEADLINE_H_
