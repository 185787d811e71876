#ifndef HANDIN_COMMON_CALLER_H_
#define HANDIN_COMMON_CALLER_H_

// The client side of identity: how an outgoing call says who it acts for.
// (The server side is common/call_authenticator.h.)

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace handin {

// Call metadata key of the bearer token: "authorization: Bearer <token>".
inline constexpr char kAuthorizationMetadataKey[] = "authorization";

// Makes `context`'s call carry `token` ("authorization: Bearer <token>").
void AttachToken(grpc::ClientContext& context, const std::string& token);

// A channel to `target` over `credentials` whose every call carries `token`
// as AttachToken would attach it: how a service presents its service token
// to its peers, and a client its user's token, without each call site
// doing so. An empty `token` attaches nothing. Calls also carry the
// thread's current request id (common/request_id.h), so a service's calls
// to its peers belong to the request it is handling.
std::shared_ptr<grpc::Channel> CreateTokenChannel(
    const std::string& target,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    std::string token,
    const grpc::ChannelArguments& arguments = grpc::ChannelArguments());

// Returns true if `user_id` is a plausible user id: 1-64 characters of
// [a-z0-9._-], starting with a letter or digit.
bool IsValidUserId(absl::string_view user_id);

}  // namespace handin

#endif  // HANDIN_COMMON_CALLER_H_
