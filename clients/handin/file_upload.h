#ifndef HANDIN_CLIENTS_HANDIN_FILE_UPLOAD_H_
#define HANDIN_CLIENTS_HANDIN_FILE_UPLOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"

namespace handin::client {

// Bytes per Upload chunk: the protocol's upper end, so a large file is few
// messages while memory stays one chunk.
inline constexpr int64_t kChunkBytes = int64_t{1} << 20;

// A local file as inspected before upload.
struct LocalFile {
  // The path as given on the command line.
  std::string path;
  // Its last component, sent as the file name.
  std::string base_name;
  int64_t size_bytes = 0;
  // Lower-case hex SHA-256 of the content.
  std::string sha256_hex;
};

// Checks that `path` is a regular file this process can read and computes
// its size and SHA-256 in one streaming pass (memory: one chunk buffer).
// NotFound "PATH: no such file"; FailedPrecondition "PATH is a directory" /
// "is not a regular file"; PermissionDenied when it cannot be opened;
// DataLoss when reading fails part-way.
absl::StatusOr<LocalFile> InspectFile(const std::string& path);

// Returns a fresh idempotency key: 32 lower-case hex digits from OpenSSL's
// RAND_bytes. Internal if the random generator fails.
absl::StatusOr<std::string> NewIdempotencyKey();

// How an upload ended.
struct UploadOutcome {
  // Non-OK when the local file no longer matched its inspection (it changed
  // or shrank, or a read failed); the call was then cancelled and nothing
  // stored. Checked before `rpc`.
  absl::Status local;
  // The call's status; OK means `response` holds the receipt.
  grpc::Status rpc;
  intake::v1::UploadResponse response;
  // Bytes of the file handed to the stream, from offset 0 (a resumed
  // upload's count starts at its resume offset).
  int64_t sent = 0;
};

// What to upload and where it goes.
struct UploadTarget {
  std::string course_id;
  std::string item_id;
  std::string idempotency_key;
};

// Streams `file` to intake: the metadata (its inspected size and SHA-256,
// and `resume_offset`), the content from `resume_offset` on in
// `chunk_bytes` chunks with their offsets, then the finish, with one chunk
// buffer whatever the size. resume_offset 0 is a new upload; a larger one
// (0 < resume_offset <= the file's size) continues an interrupted upload
// with the same key, sending only the rest. Stops sending as soon as the
// server ends the stream (its status is in `rpc`). `on_progress`, if set,
// is called with the bytes sent from offset 0 after each chunk. `context`
// carries the caller's identity and options; it is used for this one call.
// A file that no longer has its inspected size is `local` DataLoss (intake
// checks the SHA-256 of everything it holds at the commit, so a file whose
// bytes changed is refused DATA_LOSS there).
UploadOutcome UploadFile(intake::v1::IntakeService::StubInterface& stub,
                         grpc::ClientContext& context, const LocalFile& file,
                         const UploadTarget& target, int64_t resume_offset,
                         const std::function<void(int64_t)>& on_progress,
                         int64_t chunk_bytes = kChunkBytes);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_FILE_UPLOAD_H_
