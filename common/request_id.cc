#include "common/request_id.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace handin {
namespace {

thread_local std::string current_request_id;

}  // namespace

std::string NewRequestId() {
  // Not a secret, only distinct: a per-thread generator seeded once.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrFormat("%016x", generator());
}

bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

const std::string& CurrentRequestId() { return current_request_id; }

RequestIdScope::RequestIdScope(std::string id)
    : previous_(std::move(current_request_id)) {
  current_request_id = std::move(id);
}

RequestIdScope::~RequestIdScope() { current_request_id = std::move(previous_); }

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kRequestIdMetadataKey);
  if (it == metadata.end()) return "";
  std::string id(it->second.data(), it->second.size());
  return IsValidRequestId(id) ? id : "";
}

void AttachRequestId(grpc::ClientContext& context, const std::string& id) {
  context.AddMetadata(kRequestIdMetadataKey, id);
}

}  // namespace handin
