#ifndef HANDIN_SERVICES_GATEWAY_HTTP_ERROR_H_
#define HANDIN_SERVICES_GATEWAY_HTTP_ERROR_H_

#include <string>

#include "absl/status/status.h"

namespace handin::gateway {

// The HTTP status for a gRPC (canonical) status code, as Google's HTTP
// APIs map them (google/rpc/code.proto): OK 200, INVALID_ARGUMENT,
// FAILED_PRECONDITION and OUT_OF_RANGE 400, UNAUTHENTICATED 401,
// PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS and ABORTED 409,
// RESOURCE_EXHAUSTED 429, CANCELLED 499, UNIMPLEMENTED 501, UNAVAILABLE
// 503, DEADLINE_EXCEEDED 504, and UNKNOWN, INTERNAL, DATA_LOSS (and any
// code outside the canon) 500.
int HttpStatusFor(absl::StatusCode code);

// The JSON body of an error response for `status` (not OK):
//   {"error":{"code":404,"status":"NOT_FOUND","message":"..."}}
// where "code" is HttpStatusFor, "status" the gRPC code's name and
// "message" the status message as the service wrote it.
std::string ErrorJson(const absl::Status& status);
// The same with "code" `http_status`, for an HTTP status chosen otherwise
// (httplib's own refusals: 405, 413, ...).
std::string ErrorJson(const absl::Status& status, int http_status);

}  // namespace handin::gateway

#endif  // HANDIN_SERVICES_GATEWAY_HTTP_ERROR_H_
