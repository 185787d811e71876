#include "services/gateway/backends.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/caller.h"
#include "common/grpc_status.h"
#include "common/request_id.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace handin::gateway {

void AttachBrowserCaller(grpc::ClientContext& context,
                         const std::string& token) {
  AttachToken(context, token);
  if (const std::string& id = CurrentRequestId(); !id.empty()) {
    AttachRequestId(context, id);
  }
}

Backends::Backends(
    std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
    absl::Duration call_timeout)
    : channels_(channels.begin(), channels.end()),
      call_timeout_(call_timeout) {}

std::shared_ptr<grpc::Channel> Backends::Channel(
    absl::string_view service) const {
  const auto found = channels_.find(service);
  return found == channels_.end() ? nullptr : found->second;
}

absl::StatusOr<std::string> Backends::CallUnary(
    const google::protobuf::MethodDescriptor& method,
    const std::string& request, const std::string& token) {
  std::shared_ptr<grpc::Channel> channel =
      Channel(method.service()->full_name());
  if (channel == nullptr) {
    return absl::UnimplementedError(
        absl::StrCat("this gateway is not configured to reach ",
                     method.service()->full_name()));
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  AttachBrowserCaller(context, token);
  const Tracked tracked(*this, context);

  grpc::Slice slice(request);
  const grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::GenericStub stub(channel);
  grpc::Status status;
  absl::Notification done;
  stub.UnaryCall(
      &context,
      absl::StrCat("/", method.service()->full_name(), "/", method.name()),
      grpc::StubOptions(), &request_buffer, &response_buffer,
      [&status, &done](grpc::Status call_status) {
        status = std::move(call_status);
        done.Notify();
      });
  done.WaitForNotification();
  if (!status.ok()) return FromGrpcStatus(status);

  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) {
    return absl::InternalError(
        absl::StrCat("cannot read the answer of ", method.full_name()));
  }
  std::string response;
  for (const grpc::Slice& piece : slices) {
    response.append(reinterpret_cast<const char*>(piece.begin()), piece.size());
  }
  return response;
}

Backends::Tracked::Tracked(Backends& backends, grpc::ClientContext& context)
    : backends_(backends), context_(context) {
  absl::MutexLock lock(&backends_.mu_);
  if (backends_.cancelled_) context_.TryCancel();
  backends_.in_flight_.insert(&context_);
}

Backends::Tracked::~Tracked() {
  absl::MutexLock lock(&backends_.mu_);
  backends_.in_flight_.erase(&context_);
}

void Backends::CancelAll() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  for (grpc::ClientContext* context : in_flight_) context->TryCancel();
}

}  // namespace handin::gateway
