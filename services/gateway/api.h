#ifndef HANDIN_SERVICES_GATEWAY_API_H_
#define HANDIN_SERVICES_GATEWAY_API_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/access_policy.h"
#include "common/call_authenticator.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "services/gateway/backends.h"
#include "services/gateway/download.h"
#include "services/gateway/transcoder.h"

namespace handin::gateway {

// The HTTP answer to one API request.
struct ApiReply {
  int http_status = 200;
  // A JSON document: the response message, or ErrorJson.
  std::string json;
};

// The dashboard's API, without HTTP: admits a request (the method is in
// the access table, the bearer token verifies, its role may call the
// method) and forwards it to the service with the caller's token.
// Thread-safe.
class Api {
 public:
  // `exposed`: the methods the gateway serves (GatewayAccess()), the
  // policy `authenticator` enforces. `grading` serves downloads. The
  // references must outlive the Api.
  Api(AccessPolicy exposed, const CallAuthenticator& authenticator,
      const Transcoder& transcoder, Backends& backends,
      grading::v1::GradingService::StubInterface& grading);

  // POST /api/<service>/<method> with a JSON request `body` and the
  // request's Authorization header (nullopt if absent). Refusals, in this
  // order: 404 for a method the gateway does not expose; 401 without a
  // valid bearer token; 403 for a role the method is not for; 400 for a
  // streaming method (it has its own route) or a body that is not the
  // method's request in JSON. Otherwise the service's answer: its response
  // in JSON (200), or its status mapped by HttpStatusFor, its message kept.
  ApiReply Call(absl::string_view service, absl::string_view method,
                std::optional<absl::string_view> authorization,
                absl::string_view body) const;

  // GET /api/handin.grading.v1.GradingService/DownloadSubmission: admits
  // it as Call does and starts the download of `request`. The refusal, or
  // the service's status when it fails before the record.
  absl::StatusOr<std::unique_ptr<SubmissionDownload>> Download(
      std::optional<absl::string_view> authorization,
      const grading::v1::DownloadSubmissionRequest& request) const;

  // OK if every exposed method is one the gateway can transcode:
  // known to the transcoder's pool and reachable through `backends`, and
  // unary unless it is the download. Checked at start-up, so that a
  // renamed RPC stops the gateway instead of answering 404 forever.
  absl::Status CheckExposedMethods() const;

 private:
  // The caller's bearer token if the call of `full_method`
  // ("/pkg.Service/Method") may go ahead, else the refusal.
  absl::StatusOr<std::string> Admit(
      absl::string_view full_method,
      std::optional<absl::string_view> authorization) const;

  const AccessPolicy exposed_;
  const CallAuthenticator& authenticator_;
  const Transcoder& transcoder_;
  Backends& backends_;
  grading::v1::GradingService::StubInterface& grading_;
};

// The full method name of the download, which the gateway serves on GET.
inline constexpr char kDownloadMethod[] =
    "/handin.grading.v1.GradingService/DownloadSubmission";

}  // namespace handin::gateway

#endif  // HANDIN_SERVICES_GATEWAY_API_H_
