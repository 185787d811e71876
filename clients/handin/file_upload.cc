#include "clients/handin/file_upload.h"

#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "grpcpp/support/sync_stream.h"

namespace handin::client {
namespace {

namespace fs = std::filesystem;

absl::Status OpenError(const std::string& path, int error) {
  if (error == EACCES) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": permission denied (cannot read it)"));
  }
  return absl::NotFoundError(
      absl::StrCat("cannot open ", path, ": ", std::strerror(error)));
}

absl::Status ChangedError(const LocalFile& file, absl::string_view how) {
  return absl::DataLossError(
      absl::StrCat(file.path, " changed while it was being uploaded (", how,
                   "); nothing was stored, submit again once it is saved"));
}

}  // namespace

absl::StatusOr<LocalFile> InspectFile(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  }
  if (error) {
    return absl::NotFoundError(
        absl::StrCat("cannot inspect ", path, ": ", error.message()));
  }
  if (status.type() == fs::file_type::directory) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is a directory; submit one file (zip a directory first)"));
  }
  if (status.type() != fs::file_type::regular) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is not a regular file"));
  }

  std::ifstream in(path, std::ios::binary);
  if (!in) return OpenError(path, errno);
  LocalFile file;
  file.path = path;
  file.base_name = fs::path(path).filename().string();
  Sha256 hasher;
  std::string buffer(kChunkBytes, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in.gcount();
    hasher.Update(absl::string_view(buffer.data(), static_cast<size_t>(n)));
    file.size_bytes += n;
  }
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat("reading ", path, " failed: ", std::strerror(errno)));
  }
  file.sha256_hex = hasher.HexDigest();
  return file;
}

absl::StatusOr<std::string> NewIdempotencyKey() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError(
        "cannot generate a random idempotency key (OpenSSL RAND_bytes failed)");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

UploadOutcome UploadFile(intake::v1::IntakeService::StubInterface& stub,
                         grpc::ClientContext& context, const LocalFile& file,
                         const UploadTarget& target, int64_t resume_offset,
                         const std::function<void(int64_t)>& on_progress,
                         int64_t chunk_bytes) {
  UploadOutcome outcome;
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    outcome.local = OpenError(file.path, errno);
    return outcome;
  }
  if (resume_offset < 0 || resume_offset > file.size_bytes ||
      !in.seekg(resume_offset)) {
    outcome.local =
        ChangedError(file, absl::StrCat("it has fewer than the ", resume_offset,
                                        " bytes already sent"));
    return outcome;
  }
  std::unique_ptr<grpc::ClientWriterInterface<intake::v1::UploadRequest>>
      writer = stub.Upload(&context, &outcome.response);

  // Cancels the call so the server stores nothing, and records why.
  const auto abandon = [&](absl::Status why) {
    context.TryCancel();
    outcome.rpc = writer->Finish();
    outcome.local = std::move(why);
    return outcome;
  };

  intake::v1::UploadRequest request;
  intake::v1::UploadMetadata& metadata = *request.mutable_metadata();
  metadata.set_course_id(target.course_id);
  metadata.set_item_id(target.item_id);
  metadata.set_file_name(file.base_name);
  metadata.set_size_bytes(file.size_bytes);
  metadata.set_sha256_hex(file.sha256_hex);
  metadata.set_idempotency_key(target.idempotency_key);
  metadata.set_resume_offset(resume_offset);
  bool open = writer->Write(request);

  // The one buffer: each chunk is read straight into the message's bytes.
  int64_t& sent = outcome.sent;
  sent = resume_offset;
  while (open && sent < file.size_bytes) {
    common::v1::Chunk& chunk = *request.mutable_chunk();
    chunk.set_offset(sent);
    std::string& data = *chunk.mutable_data();
    data.resize(
        static_cast<size_t>(std::min(chunk_bytes, file.size_bytes - sent)));
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    if (in.gcount() != static_cast<std::streamsize>(data.size())) {
      return abandon(ChangedError(
          file, absl::StrCat("it has fewer than the ", file.size_bytes,
                             " bytes it had when it was hashed")));
    }
    open = writer->Write(request);
    sent += static_cast<int64_t>(data.size());
    if (open && on_progress) on_progress(sent);
  }
  if (open) {
    if (in.peek() != std::char_traits<char>::eof()) {
      return abandon(ChangedError(
          file, absl::StrCat("it has grown past the ", file.size_bytes,
                             " bytes it had when it was hashed")));
    }
    request.mutable_finish();
    writer->Write(request);
    writer->WritesDone();
  }
  outcome.rpc = writer->Finish();
  return outcome;
}

}  // namespace handin::client
