#ifndef HANDIN_COMMON_REQUEST_ID_H_
#define HANDIN_COMMON_REQUEST_ID_H_

// The request id: one short token that follows a submission across the
// services, so its log lines in intake, deadline and storage can be found
// together and a student can quote it to staff.
//
// It travels as call metadata `x-request-id`. The handin CLI sets one per
// command; a server that receives a call without one (or with a malformed
// one) makes one (common/rpc_telemetry.h). While a call's work runs, its id
// is the thread's *current* request id (RequestIdScope): every log line the
// thread writes then carries `request_id=<id>` (common/logging.h), every
// call it makes through a peer channel carries the id on (PeerChannel), and
// every Executor task it schedules runs with it again.

#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace handin {

// Call metadata key that carries the request id.
inline constexpr char kRequestIdMetadataKey[] = "x-request-id";

// Returns a fresh random request id: 16 lower-case hex digits.
std::string NewRequestId();

// Returns true if `id` may be used as a request id: 1-64 characters of
// [A-Za-z0-9._-] (it is written into log lines as is).
bool IsValidRequestId(absl::string_view id);

// The request id of the work this thread is doing; empty when none.
const std::string& CurrentRequestId();

// Makes `id` the thread's current request id until destroyed, then restores
// the previous one. Scopes nest; an empty `id` means none.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

// The request id of an incoming call: the one it carried, or the one the
// server's telemetry interceptor made for it; empty when neither (a server
// without the interceptor, e.g. in a unit test).
std::string RequestIdOf(const grpc::ServerContextBase& context);

// Attaches `id` to an outgoing call (clients that start a request; servers
// rely on PeerChannel instead).
void AttachRequestId(grpc::ClientContext& context, const std::string& id);

}  // namespace handin

#endif  // HANDIN_COMMON_REQUEST_ID_H_
