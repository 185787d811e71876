#ifndef HANDIN_SERVICES_GATEWAY_TRANSCODER_H_
#define HANDIN_SERVICES_GATEWAY_TRANSCODER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"

namespace handin::gateway {

// Converts between HTTP/JSON and the protobuf wire format of gRPC methods,
// from their descriptors alone (protobuf's JSON mapping, no code per
// method). Thread-safe.
class Transcoder {
 public:
  // `pool` holds the methods and messages (the generated pool: every proto
  // linked into the binary); it must outlive the transcoder.
  explicit Transcoder(const google::protobuf::DescriptorPool& pool);

  // The method named by `full_method` ("/pkg.Service/Method", or without
  // the leading slash). NOT_FOUND naming it if the pool has no such method.
  absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(
      absl::string_view full_method) const;

  // The request message of `method`, serialized, from its JSON form
  // (proto3 JSON mapping; lowerCamelCase or original field names; an empty
  // body is the empty message). INVALID_ARGUMENT saying what is wrong for
  // malformed JSON, an unknown field or a value of the wrong type.
  absl::StatusOr<std::string> RequestFromJson(
      const google::protobuf::MethodDescriptor& method,
      absl::string_view json) const;

  // The JSON form of `method`'s response message from its serialized
  // bytes: lowerCamelCase names, enums by name, 64-bit integers as strings,
  // Timestamps in RFC 3339, and fields at their default printed too (so a
  // zero count reads 0, not absent). INTERNAL if the bytes do not parse as
  // that message.
  absl::StatusOr<std::string> ResponseToJson(
      const google::protobuf::MethodDescriptor& method,
      absl::string_view bytes) const;

 private:
  const google::protobuf::DescriptorPool& pool_;
  // Makes messages of any type in `pool_` (GetPrototype is thread-safe).
  mutable google::protobuf::DynamicMessageFactory factory_;
};

}  // namespace handin::gateway

#endif  // HANDIN_SERVICES_GATEWAY_TRANSCODER_H_
