#include "services/gateway/download.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/grpc_status.h"

namespace handin::gateway {
namespace {

// RFC 8187 attr-char: what may stand unescaped in `filename*`.
bool IsAttrChar(unsigned char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) !=
             absl::string_view::npos;
}

}  // namespace

std::string ContentDisposition(absl::string_view file_name) {
  const size_t slash = file_name.find_last_of("/\\");
  if (slash != absl::string_view::npos) file_name.remove_prefix(slash + 1);
  if (file_name.empty()) file_name = "download";
  std::string ascii;
  std::string encoded;
  for (const char ch : file_name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain =
        c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' && c != '%';
    ascii.push_back(plain ? ch : '_');
    if (IsAttrChar(c)) {
      encoded.push_back(ch);
    } else {
      absl::StrAppendFormat(&encoded, "%%%02X", c);
    }
  }
  return absl::StrCat("attachment; filename=\"", ascii, "\"; filename*=UTF-8''",
                      encoded);
}

std::string DownloadMediaType(const common::v1::SubmissionRecord& record) {
  return record.media_type().empty() ? "application/octet-stream"
                                     : record.media_type();
}

absl::StatusOr<std::unique_ptr<SubmissionDownload>> SubmissionDownload::Start(
    grading::v1::GradingService::StubInterface& grading, Backends& backends,
    const grading::v1::DownloadSubmissionRequest& request,
    const std::string& token) {
  std::unique_ptr<SubmissionDownload> download(new SubmissionDownload());
  AttachBrowserCaller(download->context_, token);
  download->tracked_ =
      std::make_unique<Backends::Tracked>(backends, download->context_);
  download->reader_ = grading.DownloadSubmission(&download->context_, request);
  grading::v1::DownloadSubmissionResponse first;
  if (!download->reader_->Read(&first)) {
    download->finished_ = true;
    const grpc::Status status = download->reader_->Finish();
    if (!status.ok()) return FromGrpcStatus(status);
    return absl::DataLossError(
        "grading ended the download without sending the submission's "
        "record");
  }
  if (!first.has_record()) {
    return absl::DataLossError(
        "grading sent bytes before the submission's record");
  }
  download->record_ = std::move(*first.mutable_record());
  return download;
}

SubmissionDownload::~SubmissionDownload() {
  if (reader_ != nullptr && !finished_) {
    context_.TryCancel();
    (void)reader_->Finish();
  }
}

absl::Status SubmissionDownload::FinishAfterLastByte() {
  grading::v1::DownloadSubmissionResponse extra;
  const bool more = reader_->Read(&extra);
  if (more) context_.TryCancel();
  finished_ = true;
  const grpc::Status status = reader_->Finish();
  if (more) {
    return absl::DataLossError(absl::StrCat(
        "the download of ", record_.submission_id(),
        " sent more than its recorded ", record_.size_bytes(), " bytes"));
  }
  return FromGrpcStatus(status);
}

absl::StatusOr<std::string> SubmissionDownload::NextChunk(size_t offset) {
  const auto size = static_cast<size_t>(record_.size_bytes());
  if (offset >= size) {
    if (absl::Status end = FinishAfterLastByte(); !end.ok()) return end;
    return std::string();
  }
  grading::v1::DownloadSubmissionResponse message;
  while (true) {
    if (!reader_->Read(&message)) {
      finished_ = true;
      const grpc::Status status = reader_->Finish();
      if (!status.ok()) return FromGrpcStatus(status);
      return absl::DataLossError(
          absl::StrCat("the download of ", record_.submission_id(),
                       " ended at byte ", offset, " of ", size));
    }
    if (!message.has_chunk() ||
        message.chunk().offset() != static_cast<int64_t>(offset) ||
        offset + message.chunk().data().size() > size) {
      return absl::DataLossError(
          absl::StrCat("the download of ", record_.submission_id(),
                       " sent a chunk out of place at byte ", offset));
    }
    if (!message.chunk().data().empty()) break;
  }
  std::string data = std::move(*message.mutable_chunk()->mutable_data());
  // The service may still fail the call after the last chunk (storage
  // checks the SHA-256 at the end): the last bytes go out only once the
  // call has ended well, so a bad file never arrives whole.
  if (offset + data.size() == size) {
    if (absl::Status end = FinishAfterLastByte(); !end.ok()) return end;
  }
  return data;
}

}  // namespace handin::gateway
