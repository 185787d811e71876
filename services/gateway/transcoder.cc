#include "services/gateway/transcoder.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace handin::gateway {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

Transcoder::Transcoder(const google::protobuf::DescriptorPool& pool)
    : pool_(pool), factory_(&pool) {}

absl::StatusOr<const MethodDescriptor*> Transcoder::FindMethod(
    absl::string_view full_method) const {
  absl::string_view name = absl::StripPrefix(full_method, "/");
  const size_t slash = name.rfind('/');
  const MethodDescriptor* method = nullptr;
  if (slash != absl::string_view::npos) {
    const google::protobuf::ServiceDescriptor* service =
        pool_.FindServiceByName(std::string(name.substr(0, slash)));
    if (service != nullptr) {
      method = service->FindMethodByName(std::string(name.substr(slash + 1)));
    }
  }
  if (method == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("no method ", name, " is known to this gateway"));
  }
  return method;
}

absl::StatusOr<std::string> Transcoder::RequestFromJson(
    const MethodDescriptor& method, absl::string_view json) const {
  std::unique_ptr<Message> request(
      factory_.GetPrototype(method.input_type())->New());
  if (!absl::StripAsciiWhitespace(json).empty()) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(json.data(), json.size()), request.get(),
        options);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the body is not a valid JSON ", method.input_type()->full_name(),
          ": ", parsed.message().as_string()));
    }
  }
  return request->SerializeAsString();
}

absl::StatusOr<std::string> Transcoder::ResponseToJson(
    const MethodDescriptor& method, absl::string_view bytes) const {
  std::unique_ptr<Message> response(
      factory_.GetPrototype(method.output_type())->New());
  if (!response->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError(absl::StrCat("the answer of ",
                                            method.full_name(), " is not a ",
                                            method.output_type()->full_name()));
  }
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto printed =
      google::protobuf::util::MessageToJsonString(*response, &json, options);
  if (!printed.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print the answer of ", method.full_name(),
                     " as JSON: ", printed.message().as_string()));
  }
  return json;
}

}  // namespace handin::gateway
