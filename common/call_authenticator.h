#ifndef HANDIN_COMMON_CALL_AUTHENTICATOR_H_
#define HANDIN_COMMON_CALL_AUTHENTICATOR_H_

// The one place where handin servers decide who a call is and whether it
// may proceed: a gRPC AuthMetadataProcessor, installed on a server's
// credentials (TLS, or loopback-only plaintext with --insecure), that runs
// before any handler.

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/access_policy.h"
#include "common/auth_token.h"
#include "common/caller.h"
#include "common/clock.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/server_context.h"

namespace handin {

// For every call: if its method is public in `policy`, admits it as it is.
// Otherwise reads the bearer token, verifies it (TokenVerifier, against
// `clock`) and checks `policy` for its method. Refuses with:
//  - UNAUTHENTICATED: no token ("this call needs a bearer token ..."), not
//    in "Bearer <token>" form, or a token Verify refuses (its message);
//  - PERMISSION_DENIED: the role may not call the method (Authorize's
//    message).
// Refusals are logged (method, code; never the token).
//
// Handlers learn the caller with CallerOf, which verifies the same token
// again. (gRPC 1.51 hands the processor the connection's AuthContext, not
// the call's, so a property set there would be seen by every later call on
// the connection: identity must not travel that way.)
// A token that verified is remembered (up to kVerifiedTokenCacheSize) until
// its expiry, so the second check of a call, and a service's token on every
// call, cost a hash lookup rather than an ECDSA verification.
// Thread-safe; non-blocking (verification is a signature check in memory).
// Most verified tokens remembered at once; when full, the memory is cleared.
inline constexpr size_t kVerifiedTokenCacheSize = 4096;

class CallAuthenticator final : public grpc::AuthMetadataProcessor {
 public:
  // `clock` must outlive the authenticator.
  CallAuthenticator(AccessPolicy policy, TokenVerifier verifier,
                    const Clock& clock);

  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

  // The decision Process makes, without gRPC: the principal to admit
  // (nullopt for a public method), or the refusal.
  absl::StatusOr<std::optional<Principal>> Decide(
      absl::string_view method,
      std::optional<absl::string_view> authorization) const;

  // The verified caller of an admitted call (for handlers): the claims of
  // its bearer token. UNAUTHENTICATED as Process would refuse it; a public
  // method's call without a token has no caller.
  absl::StatusOr<Principal> CallerOf(
      const grpc::ServerContextBase& context) const;

 private:
  // The principal of an "authorization" metadata value.
  absl::StatusOr<Principal> VerifyBearer(
      std::optional<absl::string_view> authorization) const;

  // Verifies `token` or finds it among the recently verified.
  absl::StatusOr<TokenClaims> VerifyToken(absl::string_view token) const;

  const AccessPolicy policy_;
  const TokenVerifier verifier_;
  const Clock& clock_;
  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, TokenClaims> verified_
      ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace handin

#endif  // HANDIN_COMMON_CALL_AUTHENTICATOR_H_
