#include "clients/handin/errors.h"

#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace handin::client {
namespace {

// Intake's own UNAVAILABLE answers start with the peer that is down (see
// services/intake/upload_rules.h, PeerError).
bool SentByIntake(absl::string_view message) {
  return absl::StartsWith(message, "deadline service") ||
         absl::StartsWith(message, "storage service") ||
         absl::StartsWith(message, "an earlier attempt of this upload");
}

bool LooksLikeTlsFailure(absl::string_view message) {
  const std::string lower = absl::AsciiStrToLower(message);
  return absl::StrContains(lower, "handshake") ||
         absl::StrContains(lower, "ssl") ||
         absl::StrContains(lower, "certificate") ||
         absl::StrContains(lower, "tsi_");
}

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  const int index = static_cast<int>(code);
  if (index < 0 || index >= static_cast<int>(std::size(kNames))) {
    return "UNKNOWN";
  }
  return kNames[index];
}

}  // namespace

std::string DescribeRpcError(const grpc::Status& status,
                             absl::string_view server) {
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      if (SentByIntake(message)) {
        return absl::StrCat("intake at ", server, " is up but ", message);
      }
      if (LooksLikeTlsFailure(message)) {
        return absl::StrCat(
            "TLS handshake with intake at ", server,
            " failed; pass --ca (or HANDIN_CA) with the CA that signed the "
            "server's certificate, or --insecure if it serves plaintext");
      }
      if (absl::StrContains(message, "Socket closed")) {
        // What a plaintext client sees from a TLS server.
        return absl::StrCat("intake at ", server,
                            " closed the connection while it was being set "
                            "up; if it serves TLS, drop --insecure");
      }
      return absl::StrCat("cannot reach intake at ", server,
                          " (is it running? start it with scripts/up)");
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      // gRPC's own timeout says only "Deadline Exceeded"; intake's upload
      // limits (idle stream, completion window) explain themselves.
      if (absl::StrContains(status.error_message(), "was stored")) {
        return status.error_message();
      }
      return absl::StrCat("intake at ", server,
                          " did not answer in time (is it running? start it "
                          "with scripts/up)");
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::StrCat("the server at ", server,
                          " is not handin's intake (check --server or "
                          "HANDIN_SERVER)");
    case grpc::StatusCode::CANCELLED:
      return "the upload was cancelled; nothing was stored";
    case grpc::StatusCode::DATA_LOSS:
      if (absl::StrContains(message, "nothing was stored")) return message;
      return absl::StrCat(message, "; nothing was stored, submit again");
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::OUT_OF_RANGE:
      if (!message.empty()) return message;
      break;
    default:
      break;
  }
  return absl::StrCat("intake at ", server, " failed (",
                      CodeName(status.error_code()),
                      "): ", message.empty() ? "no details" : message);
}

std::string DescribeLostUpload(const grpc::Status& status,
                               absl::string_view server, int64_t sent) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE || sent <= 0 ||
      SentByIntake(status.error_message())) {
    return DescribeRpcError(status, server);
  }
  return absl::StrCat("the connection to intake at ", server,
                      " broke during the upload");
}

}  // namespace handin::client
