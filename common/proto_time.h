#ifndef HANDIN_COMMON_PROTO_TIME_H_
#define HANDIN_COMMON_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace handin {

// Conversions between absl time types (used in code) and the protobuf
// well-known types (used on the wire). Sub-nanosecond precision is truncated.
google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& t);
google::protobuf::Duration ToProtoDuration(absl::Duration d);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

// Formats `t` as RFC 3339 in UTC with second precision, e.g.
// "2024-05-01T22:00:00Z".
std::string FormatUtc(absl::Time t);

}  // namespace handin

#endif  // HANDIN_COMMON_PROTO_TIME_H_
