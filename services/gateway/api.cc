#include "services/gateway/api.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/gateway/http_error.h"

namespace handin::gateway {
namespace {

ApiReply Refusal(const absl::Status& status) {
  return {.http_status = HttpStatusFor(status.code()),
          .json = ErrorJson(status)};
}

// The token of an "Authorization: Bearer <token>" value the authenticator
// has accepted.
std::string BearerToken(absl::string_view authorization) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  value.remove_prefix(std::min(value.size(), sizeof("Bearer ") - 1));
  return std::string(absl::StripLeadingAsciiWhitespace(value));
}

}  // namespace

Api::Api(AccessPolicy exposed, const CallAuthenticator& authenticator,
         const Transcoder& transcoder, Backends& backends,
         grading::v1::GradingService::StubInterface& grading)
    : exposed_(std::move(exposed)),
      authenticator_(authenticator),
      transcoder_(transcoder),
      backends_(backends),
      grading_(grading) {}

absl::StatusOr<std::string> Api::Admit(
    absl::string_view full_method,
    std::optional<absl::string_view> authorization) const {
  const std::vector<std::string> methods = exposed_.Methods();
  if (std::find(methods.begin(), methods.end(), full_method) == methods.end()) {
    return absl::NotFoundError(absl::StrCat(
        "this gateway has no method ", absl::StripPrefix(full_method, "/"),
        "; it serves POST /api/<service>/<method> for: ",
        absl::StrJoin(methods, ", ",
                      [](std::string* out, const std::string& method) {
                        absl::StrAppend(out, absl::StripPrefix(method, "/"));
                      })));
  }
  absl::StatusOr<std::optional<Principal>> decision =
      authenticator_.Decide(full_method, authorization);
  if (!decision.ok()) return decision.status();
  return BearerToken(*authorization);
}

ApiReply Api::Call(absl::string_view service, absl::string_view method,
                   std::optional<absl::string_view> authorization,
                   absl::string_view body) const {
  const std::string full_method = absl::StrCat("/", service, "/", method);
  absl::StatusOr<std::string> token = Admit(full_method, authorization);
  if (!token.ok()) return Refusal(token.status());
  auto descriptor = transcoder_.FindMethod(full_method);
  if (!descriptor.ok()) return Refusal(descriptor.status());
  if ((*descriptor)->client_streaming() || (*descriptor)->server_streaming()) {
    // CheckExposedMethods lets only the download stream.
    return Refusal(absl::InvalidArgumentError(absl::StrCat(
        service, "/", method, " streams a file: GET /api/", service, "/",
        method, "?course_id=...&submission_id=... downloads it")));
  }
  absl::StatusOr<std::string> request =
      transcoder_.RequestFromJson(**descriptor, body);
  if (!request.ok()) return Refusal(request.status());
  absl::StatusOr<std::string> response =
      backends_.CallUnary(**descriptor, *request, *token);
  if (!response.ok()) return Refusal(response.status());
  absl::StatusOr<std::string> json =
      transcoder_.ResponseToJson(**descriptor, *response);
  if (!json.ok()) return Refusal(json.status());
  return {.http_status = 200, .json = *std::move(json)};
}

absl::StatusOr<std::unique_ptr<SubmissionDownload>> Api::Download(
    std::optional<absl::string_view> authorization,
    const grading::v1::DownloadSubmissionRequest& request) const {
  absl::StatusOr<std::string> token = Admit(kDownloadMethod, authorization);
  if (!token.ok()) return token.status();
  if (request.course_id().empty() || request.submission_id().empty()) {
    return absl::InvalidArgumentError(
        "a download needs the query parameters course_id and "
        "submission_id");
  }
  return SubmissionDownload::Start(grading_, backends_, request, *token);
}

absl::Status Api::CheckExposedMethods() const {
  for (const std::string& name : exposed_.Methods()) {
    auto method = transcoder_.FindMethod(name);
    if (!method.ok()) return method.status();
    if (backends_.Channel((*method)->service()->full_name()) == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat(name, " is exposed, but no address is configured for ",
                       (*method)->service()->full_name()));
    }
    const bool unary =
        !(*method)->client_streaming() && !(*method)->server_streaming();
    if (!unary && name != kDownloadMethod) {
      return absl::FailedPreconditionError(absl::StrCat(
          name, " streams, and the gateway transcodes only unary methods"));
    }
  }
  return absl::OkStatus();
}

}  // namespace handin::gateway
