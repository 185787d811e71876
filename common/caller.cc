#include "common/caller.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc_telemetry.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/client_interceptor.h"

namespace handin {
namespace {

std::string BearerValue(absl::string_view token) {
  return absl::StrCat("Bearer ", token);
}

// Adds the bearer token to the initial metadata of every call it sees.
class TokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit TokenInterceptor(const std::string* bearer) : bearer_(bearer) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kAuthorizationMetadataKey,
                                                 *bearer_);
    }
    methods->Proceed();
  }

 private:
  const std::string* bearer_;  // Owned by the factory, which the channel keeps.
};

class TokenInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit TokenInterceptorFactory(std::string bearer)
      : bearer_(std::move(bearer)) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new TokenInterceptor(&bearer_);
  }

 private:
  const std::string bearer_;
};

}  // namespace

void AttachToken(grpc::ClientContext& context, const std::string& token) {
  context.AddMetadata(kAuthorizationMetadataKey, BearerValue(token));
}

std::shared_ptr<grpc::Channel> CreateTokenChannel(
    const std::string& target,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    std::string token, const grpc::ChannelArguments& arguments) {
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (!token.empty()) {
    interceptors.push_back(
        std::make_unique<TokenInterceptorFactory>(BearerValue(token)));
  }
  interceptors.push_back(MakeRequestIdPropagator());
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, credentials, arguments, std::move(interceptors));
}

bool IsValidUserId(absl::string_view user_id) {
  if (user_id.empty() || user_id.size() > 64) return false;
  for (char c : user_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return user_id[0] != '.' && user_id[0] != '_' && user_id[0] != '-';
}

}  // namespace handin
