#ifndef HANDIN_SERVICES_INTAKE_INTAKE_OPTIONS_H_
#define HANDIN_SERVICES_INTAKE_INTAKE_OPTIONS_H_

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "common/receipt_signature.h"

namespace handin::intake {

// Limits and timeouts of the intake service.
struct IntakeOptions {
  // Longest chunk accepted in one Upload message; longer ones are
  // INVALID_ARGUMENT. Default 1 MiB (the ByteStream convention's upper end;
  // well under gRPC's 4 MiB default message limit).
  int64_t max_chunk_bytes = int64_t{1} << 20;
  // Largest file accepted, checked against the metadata's declared size
  // before anything is stored. Default 512 MiB until per-item limits come
  // from the course policy.
  int64_t max_file_bytes = int64_t{512} << 20;
  // Deadline of each unary call intake makes to another service (deadline
  // Evaluate, storage ListSubmissions). The storage upload stream has none:
  // it lives as long as the student's upload. Default 10 s.
  absl::Duration peer_call_timeout = absl::Seconds(10);
  // Idle and total limits per upload are not enforced yet.
  // The course's receipt key (private): every receipt is signed with it.
  // Null: receipts are issued unsigned (the server warns at start).
  std::shared_ptr<const ReceiptKey> receipt_key;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_INTAKE_OPTIONS_H_
