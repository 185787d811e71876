#ifndef HANDIN_BENCH_LOADGEN_HANDIN_TARGET_H_
#define HANDIN_BENCH_LOADGEN_HANDIN_TARGET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/loadgen/target.h"
#include "common/receipt_signature.h"
#include "grpcpp/channel.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"

namespace handin::bench {

struct HandinTargetOptions {
  // host:port of intake.
  std::string server;
  // PEM CA that signed intake's certificate (TLS is always on, as
  // deployed).
  std::string ca_file;
  // The course the students are enrolled in (their tokens name it).
  std::string course_id;
  // The course's token signing key (P-256 private key, PEM), with which
  // the students' tokens are minted as staff tooling mints them.
  std::string token_private_key_pem;
  // The course's receipt public key; every receipt is verified with it.
  std::shared_ptr<const ReceiptKey> receipt_key;
  // Students, StudentId(0 .. students-1).
  int students = 0;
  // Bytes per Upload chunk (the handin CLI sends 1 MiB).
  int64_t chunk_bytes = int64_t{1} << 20;
  // Longest one upload may take.
  absl::Duration upload_timeout = absl::Minutes(10);
};

// Uploads through intake's Upload RPC as the handin CLI does (metadata with
// size, SHA-256 and an idempotency key, then chunks with offsets, then the
// finish), each student on its own TLS connection with its own bearer
// token. A receipt counts only if its Ed25519 signature verifies with the
// course's key and its claims name the student, course, item, size and
// SHA-256 that were sent.
class HandinTarget final : public Target {
 public:
  // Mints every student's token (valid for 12 hours) and makes their
  // channels (not yet connected). INVALID_ARGUMENT / NOT_FOUND for a bad
  // key or CA file.
  static absl::StatusOr<std::unique_ptr<HandinTarget>> Create(
      HandinTargetOptions options);

  absl::Status Connect(int student) override;
  UploadResult Upload(int student, const std::string& item_id,
                      const GeneratedFile& file,
                      const std::string& tag) override;

 private:
  struct Student {
    std::string user_id;
    // "Bearer <the student's token>".
    std::string bearer;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<intake::v1::IntakeService::Stub> stub;
  };

  explicit HandinTarget(HandinTargetOptions options)
      : options_(std::move(options)) {}

  // OK if `response` carries a receipt for exactly this upload.
  absl::Status CheckReceipt(const intake::v1::UploadResponse& response,
                            const Student& student, const std::string& item_id,
                            const GeneratedFile& file) const;

  const HandinTargetOptions options_;
  std::vector<Student> students_;
};

}  // namespace handin::bench

#endif  // HANDIN_BENCH_LOADGEN_HANDIN_TARGET_H_
