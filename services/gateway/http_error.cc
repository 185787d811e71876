#include "services/gateway/http_error.h"

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace handin::gateway {

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

std::string ErrorJson(const absl::Status& status) {
  return ErrorJson(status, HttpStatusFor(status.code()));
}

std::string ErrorJson(const absl::Status& status, int http_status) {
  // A Struct, printed by protobuf's JSON printer, escapes the message
  // whatever it holds.
  google::protobuf::Struct error;
  auto& fields = *error.mutable_fields();
  fields["code"].set_number_value(http_status);
  fields["status"].set_string_value(absl::StatusCodeToString(status.code()));
  fields["message"].set_string_value(std::string(status.message()));
  google::protobuf::Struct body;
  *(*body.mutable_fields())["error"].mutable_struct_value() = std::move(error);
  std::string json;
  // Printing a Struct of strings and numbers cannot fail.
  (void)google::protobuf::util::MessageToJsonString(body, &json);
  return json;
}

}  // namespace handin::gateway
