#ifndef HANDIN_SERVICES_DEADLINE_REQUEST_CHECKS_H_
#define HANDIN_SERVICES_DEADLINE_REQUEST_CHECKS_H_

// Checks of request fields shared by the deadline service's handlers.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"

namespace handin::deadline {

// InvalidArgument "<name> is not a valid timestamp" unless `t` lies in the
// range google.protobuf.Timestamp documents (years 1 to 9999) with nanos
// in [0, 1e9).
absl::Status CheckTimestamp(const google::protobuf::Timestamp& t,
                            absl::string_view name);

// InvalidArgument "<name> is required" if `value` is empty.
absl::Status Require(absl::string_view value, absl::string_view name);

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_REQUEST_CHECKS_H_
