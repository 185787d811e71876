#ifndef HANDIN_SERVICES_GATEWAY_BACKENDS_H_
#define HANDIN_SERVICES_GATEWAY_BACKENDS_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace handin::gateway {

// Prepares `context` for a call the gateway makes for a browser: `token`
// goes along as "authorization: Bearer <token>", and the thread's current
// request id (common/request_id.h), if any, as x-request-id, so the
// services log the call under the id the browser was answered with.
void AttachBrowserCaller(grpc::ClientContext& context,
                         const std::string& token);

// The gRPC services behind the gateway and the calls in flight to them.
// Thread-safe.
class Backends {
 public:
  // `channels`: full service name ("handin.grading.v1.GradingService") to
  // the channel that reaches it. `call_timeout` bounds each unary call.
  Backends(std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
           absl::Duration call_timeout);

  // Calls unary `method` with `request` (its serialized request message)
  // for the holder of `token`, which goes along as "authorization: Bearer
  // <token>" so the service checks the caller itself. Returns the
  // serialized response, or the call's status as the service (or gRPC)
  // gave it; UNIMPLEMENTED when no service of `method` is configured;
  // CANCELLED once CancelAll has been called.
  absl::StatusOr<std::string> CallUnary(
      const google::protobuf::MethodDescriptor& method,
      const std::string& request, const std::string& token);

  // The channel to `service` (full name), or nullptr if none is configured.
  std::shared_ptr<grpc::Channel> Channel(absl::string_view service) const;

  // Keeps track of `context` while the returned object lives, so that
  // CancelAll cancels its call; for calls the gateway makes itself
  // (streams). `context` must outlive the returned object.
  class Tracked {
   public:
    Tracked(Backends& backends, grpc::ClientContext& context);
    ~Tracked();
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;

   private:
    Backends& backends_;
    grpc::ClientContext& context_;
  };

  // Cancels every call in flight, and every call started from now on (at
  // shutdown, once the grace for calls in flight has passed).
  void CancelAll();

 private:
  const std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>>
      channels_;
  const absl::Duration call_timeout_;
  absl::Mutex mu_;
  std::set<grpc::ClientContext*> in_flight_ ABSL_GUARDED_BY(mu_);
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace handin::gateway

#endif  // HANDIN_SERVICES_GATEWAY_BACKENDS_H_
