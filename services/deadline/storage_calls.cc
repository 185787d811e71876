#include "services/deadline/storage_calls.h"

#include "absl/strings/str_cat.h"
#include "common/call_deadline.h"
#include "common/grpc_status.h"

namespace handin::deadline {

std::unique_ptr<grpc::ClientContext> StorageContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  SetDeadlineAfter(*context, absl::Seconds(5));
  return context;
}

absl::Status FromStorage(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  const absl::Status converted = FromGrpcStatus(status);
  return absl::Status(converted.code(),
                      absl::StrCat(what, ": storage: ", converted.message()));
}

}  // namespace handin::deadline
