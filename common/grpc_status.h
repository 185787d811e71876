#ifndef HANDIN_COMMON_GRPC_STATUS_H_
#define HANDIN_COMMON_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace handin {

// The one place absl::Status (domain code) and grpc::Status (the wire) are
// converted. Codes map one to one; messages are kept.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace handin

#endif  // HANDIN_COMMON_GRPC_STATUS_H_
