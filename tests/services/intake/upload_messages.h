#ifndef HANDIN_TESTS_SERVICES_INTAKE_UPLOAD_MESSAGES_H_
#define HANDIN_TESTS_SERVICES_INTAKE_UPLOAD_MESSAGES_H_

// The messages of an IntakeService.Upload stream, and one whole upload sent
// to an IntakeHarness, for the intake tests.

#include <cstdint>
#include <string>
#include <vector>

#include "common/caller.h"
#include "common/sha256.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"
#include "tests/services/intake/intake_harness.h"

namespace handin::testing {

inline constexpr char kCourse[] = "eecs598-w24";
inline constexpr char kItem[] = "project-report";

// Metadata declaring `content` for `item` with idempotency key `key`.
inline intake::v1::UploadRequest Metadata(const std::string& content,
                                          const std::string& item = kItem,
                                          const std::string& key = "key-1") {
  intake::v1::UploadRequest request;
  intake::v1::UploadMetadata& metadata = *request.mutable_metadata();
  metadata.set_course_id(kCourse);
  metadata.set_item_id(item);
  metadata.set_file_name("report.pdf");
  metadata.set_size_bytes(static_cast<int64_t>(content.size()));
  metadata.set_sha256_hex(Sha256::Of(content));
  metadata.set_idempotency_key(key);
  return request;
}

inline intake::v1::UploadRequest Chunk(int64_t offset,
                                       const std::string& data) {
  intake::v1::UploadRequest request;
  request.mutable_chunk()->set_offset(offset);
  request.mutable_chunk()->set_data(data);
  return request;
}

inline intake::v1::UploadRequest Finish() {
  intake::v1::UploadRequest request;
  request.mutable_finish();
  return request;
}

// How one upload ended.
struct UploadResult {
  grpc::Status status;
  intake::v1::UploadResponse response;
};

// Sends `messages` as one Upload by `user` (no identity when empty) to
// `harness`'s intake, stopping early if intake ends the stream.
inline UploadResult SendUpload(
    IntakeHarness& harness,
    const std::vector<intake::v1::UploadRequest>& messages,
    const std::string& user) {
  grpc::ClientContext context;
  if (!user.empty()) AttachStudent(context, user);
  UploadResult result;
  auto stub = harness.NewIntakeStub();
  auto writer = stub->Upload(&context, &result.response);
  for (const intake::v1::UploadRequest& message : messages) {
    if (!writer->Write(message)) break;
  }
  writer->WritesDone();
  result.status = writer->Finish();
  return result;
}

}  // namespace handin::testing

#endif  // HANDIN_TESTS_SERVICES_INTAKE_UPLOAD_MESSAGES_H_
