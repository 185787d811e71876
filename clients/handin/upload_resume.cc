#include "clients/handin/upload_resume.h"

#include "absl/strings/match.h"

namespace handin::client {

bool LostConnection(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return true;
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      return absl::StrContains(status.error_message(), "Stream removed") ||
             absl::StrContains(status.error_message(), "RST_STREAM");
    default:
      return false;
  }
}

ResumePoint ResumePointFrom(const grpc::Status& query,
                            const intake::v1::QueryWriteStatusResponse& held,
                            int64_t file_size) {
  ResumePoint point;
  if (query.error_code() == grpc::StatusCode::UNAVAILABLE ||
      query.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    point.ask_again = true;
    return point;
  }
  if (!query.ok()) return point;
  if (held.complete()) {
    point.offset = file_size;
  } else if (held.committed_size() > 0 && held.committed_size() <= file_size) {
    point.offset = held.committed_size();
  }
  return point;
}

bool ShouldStartAgain(const grpc::Status& status, int64_t offset) {
  return offset > 0 &&
         status.error_code() == grpc::StatusCode::FAILED_PRECONDITION;
}

}  // namespace handin::client
