#ifndef HANDIN_SERVICES_DEADLINE_STORAGE_CALLS_H_
#define HANDIN_SERVICES_DEADLINE_STORAGE_CALLS_H_

// How the deadline service calls the storage service: one timeout for every
// call, and storage's errors passed on with where they came from.

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace handin::deadline {

// A client context for one storage call, with a 5 s deadline (a transport
// timeout on the system clock, as gRPC's are; not policy time).
std::unique_ptr<grpc::ClientContext> StorageContext();

// Storage's status with its message prefixed "<what>: storage: ", the code
// kept (NOT_FOUND for a missing extension, UNAVAILABLE when storage is
// down); OK stays OK.
absl::Status FromStorage(const grpc::Status& status, absl::string_view what);

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_STORAGE_CALLS_H_
