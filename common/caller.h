#ifndef HANDIN_COMMON_CALLER_H_
#define HANDIN_COMMON_CALLER_H_

#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace handin {

// Call metadata key that carries the user id a call acts for.
//
// Walking-skeleton identity: the claim is taken as given. Signed bearer
// tokens verified in one interceptor replace it (issue 5); every handler
// already obtains its caller through CallerFromContext, so only this file
// changes then.
inline constexpr char kUserMetadataKey[] = "x-handin-user";

// The identity an incoming call acts for.
struct Caller {
  std::string user_id;
};

// Returns the caller of an incoming call. UNAUTHENTICATED when the call
// carries no identity or a malformed one.
absl::StatusOr<Caller> CallerFromContext(
    const grpc::ServerContextBase& context);

// Attaches `user_id` to an outgoing call.
void AttachCaller(grpc::ClientContext& context, const std::string& user_id);

// Returns true if `user_id` is a plausible user id: 1-64 characters of
// [a-z0-9._-], starting with a letter or digit.
bool IsValidUserId(absl::string_view user_id);

}  // namespace handin

#endif  // HANDIN_COMMON_CALLER_H_
