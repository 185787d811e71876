#include "common/caller.h"

#include "absl/strings/str_cat.h"

namespace handin {

bool IsValidUserId(absl::string_view user_id) {
  if (user_id.empty() || user_id.size() > 64) return false;
  for (char c : user_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return user_id[0] != '.' && user_id[0] != '_' && user_id[0] != '-';
}

absl::StatusOr<Caller> CallerFromContext(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kUserMetadataKey);
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(
        "the call carries no user identity; set your uniqname with --user or "
        "HANDIN_USER");
  }
  const std::string user_id(it->second.data(), it->second.size());
  if (!IsValidUserId(user_id)) {
    return absl::UnauthenticatedError(
        absl::StrCat("\"", user_id,
                     "\" is not a valid user id (lower-case letters, digits, "
                     "'.', '_' or '-', at most 64)"));
  }
  return Caller{user_id};
}

void AttachCaller(grpc::ClientContext& context, const std::string& user_id) {
  context.AddMetadata(kUserMetadataKey, user_id);
}

}  // namespace handin
