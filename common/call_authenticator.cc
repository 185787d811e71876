#include "common/call_authenticator.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "spdlog/spdlog.h"

namespace handin {
namespace {

constexpr char kPathMetadataKey[] = ":path";
constexpr absl::string_view kBearerScheme = "bearer ";

absl::string_view View(const grpc::string_ref& ref) {
  return absl::string_view(ref.data(), ref.size());
}

// The value of `key` in `metadata`, or nullopt.
template <typename Multimap>
std::optional<absl::string_view> Find(const Multimap& metadata,
                                      absl::string_view key) {
  const auto found = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (found == metadata.end()) return std::nullopt;
  return View(found->second);
}

}  // namespace

CallAuthenticator::CallAuthenticator(AccessPolicy policy,
                                     TokenVerifier verifier, const Clock& clock)
    : policy_(std::move(policy)),
      verifier_(std::move(verifier)),
      clock_(clock) {}

absl::StatusOr<Principal> CallAuthenticator::VerifyBearer(
    std::optional<absl::string_view> authorization) const {
  if (!authorization.has_value()) {
    return absl::UnauthenticatedError(
        "this call needs a bearer token (metadata \"authorization: Bearer "
        "<token>\"); the course staff issue them with handin-admin token "
        "issue");
  }
  absl::string_view token = absl::StripAsciiWhitespace(*authorization);
  if (!absl::StartsWithIgnoreCase(token, kBearerScheme)) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <token>\"");
  }
  token = absl::StripLeadingAsciiWhitespace(token.substr(kBearerScheme.size()));
  absl::StatusOr<TokenClaims> claims = VerifyToken(token);
  if (!claims.ok()) return claims.status();
  return Principal{.subject = std::move(claims->subject),
                   .role = claims->role,
                   .course_id = std::move(claims->course_id)};
}

absl::StatusOr<TokenClaims> CallAuthenticator::VerifyToken(
    absl::string_view token) const {
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&cache_mu_);
    const auto found = verified_.find(token);
    // Outside its validity the token goes to the verifier, which says why.
    if (found != verified_.end() && now < found->second.expires_at &&
        now >= found->second.issued_at - kTokenClockSkew) {
      return found->second;
    }
  }
  absl::StatusOr<TokenClaims> claims = verifier_.Verify(token, now);
  if (claims.ok()) {
    absl::MutexLock lock(&cache_mu_);
    if (verified_.size() >= kVerifiedTokenCacheSize) verified_.clear();
    verified_.insert_or_assign(std::string(token), *claims);
  }
  return claims;
}

absl::StatusOr<std::optional<Principal>> CallAuthenticator::Decide(
    absl::string_view method,
    std::optional<absl::string_view> authorization) const {
  if (policy_.IsPublic(method)) return std::nullopt;
  absl::StatusOr<Principal> caller = VerifyBearer(authorization);
  if (!caller.ok()) return caller.status();
  if (absl::Status allowed = policy_.Authorize(method, *caller);
      !allowed.ok()) {
    return allowed;
  }
  return *std::move(caller);
}

grpc::Status CallAuthenticator::Process(
    const InputMetadata& auth_metadata, grpc::AuthContext* /*context*/,
    OutputMetadata* /*consumed_auth_metadata*/,
    OutputMetadata* /*response_metadata*/) {
  const absl::string_view method =
      Find(auth_metadata, kPathMetadataKey).value_or("");
  absl::StatusOr<std::optional<Principal>> decision =
      Decide(method, Find(auth_metadata, kAuthorizationMetadataKey));
  if (decision.ok()) return grpc::Status::OK;
  spdlog::warn("event=call_refused method={} code={} msg=\"{}\"",
               std::string(method),
               absl::StatusCodeToString(decision.status().code()),
               std::string(decision.status().message()));
  return ToGrpcStatus(decision.status());
}

absl::StatusOr<Principal> CallAuthenticator::CallerOf(
    const grpc::ServerContextBase& context) const {
  return VerifyBearer(
      Find(context.client_metadata(), kAuthorizationMetadataKey));
}

}  // namespace handin
