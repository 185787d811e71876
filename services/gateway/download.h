#ifndef HANDIN_SERVICES_GATEWAY_DOWNLOAD_H_
#define HANDIN_SERVICES_GATEWAY_DOWNLOAD_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "handin/common/v1/common.pb.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "services/gateway/backends.h"

namespace handin::gateway {

// The Content-Disposition header that makes a browser save a submission
// under the name its student gave: `attachment`, an ASCII `filename`
// (characters a header or a file system would misread replaced by '_')
// and the exact UTF-8 name as `filename*` (RFC 6266, RFC 8187). Only the
// last path component of `file_name` is used; an empty one is "download".
std::string ContentDisposition(absl::string_view file_name);

// The media type to serve a submission with: the one intake's content
// inspector found in its bytes, else application/octet-stream (the name a
// student gave a file says nothing about its bytes).
std::string DownloadMediaType(const common::v1::SubmissionRecord& record);

// One submission streamed from grading's DownloadSubmission into an HTTP
// response body. Not thread-safe: one HTTP worker reads it at a time.
class SubmissionDownload {
 public:
  // Starts the call for `request` with the caller's `token` and reads the
  // stream's first message, the record. The status of the call (as the
  // service gave it) if it fails before the record; DATA_LOSS if the
  // stream does not start with one.
  static absl::StatusOr<std::unique_ptr<SubmissionDownload>> Start(
      grading::v1::GradingService::StubInterface& grading, Backends& backends,
      const grading::v1::DownloadSubmissionRequest& request,
      const std::string& token);
  // Cancels the call if it has not finished.
  ~SubmissionDownload();

  const common::v1::SubmissionRecord& record() const { return record_; }

  // Reads the next bytes of the file, which start at `offset` (the bytes
  // read so far). The bytes that complete the recorded size are returned
  // only after the call has ended OK; at `offset` == size, an empty string
  // once it has. Otherwise the call's status if it failed, or DATA_LOSS if
  // a chunk is out of place or the stream ends short of or beyond the
  // recorded size.
  absl::StatusOr<std::string> NextChunk(size_t offset);

 private:
  SubmissionDownload() = default;
  // Reads to the end of the stream after the last byte; the call's status,
  // or DATA_LOSS if it sends more.
  absl::Status FinishAfterLastByte();

  grpc::ClientContext context_;
  std::unique_ptr<Backends::Tracked> tracked_;
  std::unique_ptr<
      grpc::ClientReaderInterface<grading::v1::DownloadSubmissionResponse>>
      reader_;
  common::v1::SubmissionRecord record_;
  bool finished_ = false;
};

}  // namespace handin::gateway

#endif  // HANDIN_SERVICES_GATEWAY_DOWNLOAD_H_
