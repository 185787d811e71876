#ifndef HANDIN_CLIENTS_HANDIN_ERRORS_H_
#define HANDIN_CLIENTS_HANDIN_ERRORS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace handin::client {

// Exit codes of the handin CLI.
inline constexpr int kExitOk = 0;
// The server refused or failed the request, or could not be reached.
inline constexpr int kExitServerError = 1;
// Bad usage, or a local problem (file missing, unreadable, CA file missing).
inline constexpr int kExitLocalError = 2;

// Returns the one line (without the "handin: " prefix) that explains a
// failed call to intake at `server`. The only place gRPC status codes become
// words:
//   UNAVAILABLE, not connected  "cannot reach intake at S (is it running?
//                               start it with scripts/up)"
//   UNAVAILABLE, TLS handshake  "TLS handshake with intake at S failed; pass
//                               --ca ... or --insecure ..."
//   UNAVAILABLE, socket closed  "intake at S closed the connection ...; if
//                               it serves TLS, drop --insecure"
//   UNAVAILABLE sent by intake  "intake at S is up but <its message>"
//   DEADLINE_EXCEEDED           "intake at S did not answer in time (...)",
//                               or intake's message when intake ended the
//                               upload (idle or too long: it says "nothing
//                               was stored")
//   UNIMPLEMENTED               "the server at S is not handin's intake ..."
//   CANCELLED                   "the upload was cancelled; nothing was
//                               stored"
//   DATA_LOSS                   the server's message, plus "nothing was
//                               stored; submit again" if it does not say so
//   UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, INVALID_ARGUMENT,
//   FAILED_PRECONDITION, ALREADY_EXISTS, RESOURCE_EXHAUSTED, OUT_OF_RANGE
//                               the server's message as is (it already says
//                               what to do)
//   anything else               "intake at S failed (CODE): <message>"
std::string DescribeRpcError(const grpc::Status& status,
                             absl::string_view server);

// Returns the one line (without "handin: ") for an upload to intake at
// `server` that ended with `status` after `sent` bytes were handed to the
// stream: "the connection to intake at S broke during the upload" for a
// transport UNAVAILABLE once bytes went out (what DescribeRpcError says of
// a closed socket is about a failed set-up; how much intake holds is
// intake's to say), DescribeRpcError otherwise.
std::string DescribeLostUpload(const grpc::Status& status,
                               absl::string_view server, int64_t sent);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_ERRORS_H_
