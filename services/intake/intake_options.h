#ifndef HANDIN_SERVICES_INTAKE_INTAKE_OPTIONS_H_
#define HANDIN_SERVICES_INTAKE_INTAKE_OPTIONS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/receipt_signature.h"

namespace handin::intake {

// Limits and timeouts of the intake service.
struct IntakeOptions {
  // Longest chunk accepted in one Upload message; longer ones are
  // INVALID_ARGUMENT. Default 1 MiB (the ByteStream convention's upper end;
  // well under gRPC's 4 MiB default message limit).
  int64_t max_chunk_bytes = int64_t{1} << 20;
  // New uploads of at most this many bytes are held in memory until their
  // finish and stored with one StoreSubmission call (StorageUpload): a
  // deadline rush of small files costs storage one task and one synced write
  // each. One whose stream breaks is then staged on storage, so its resume
  // keeps its first start as a streamed one's does. 0 streams every upload.
  // At most max_chunk_bytes. Default 64 KiB.
  int64_t held_upload_max_bytes = int64_t{64} << 10;
  // Largest file accepted, checked against the metadata's declared size
  // before anything is stored; an item's content rule may set a lower limit
  // (max_size_bytes), never a higher one. Default 512 MiB.
  int64_t max_file_bytes = int64_t{512} << 20;
  // Deadline of each unary call intake makes to another service (deadline
  // Evaluate, storage ListSubmissions). The storage upload stream has none:
  // it lives as long as the student's upload. Default 10 s.
  absl::Duration peer_call_timeout = absl::Seconds(10);
  // An upload that sends nothing for this long while intake waits for its
  // next message ends DEADLINE_EXCEEDED (the total limit is the item's
  // completion window, from the deadline service). Default 60 s.
  absl::Duration upload_idle_timeout = absl::Seconds(60);
  // The handin-inspect binary that checks uploads to items with a content
  // rule. Empty: such uploads end INTERNAL (nothing stored). handin-intake
  // defaults it to handin-inspect beside its own binary.
  std::string inspector_path;
  // Where uploads to items with a content rule are staged for the
  // inspector, one file per upload in flight or interrupted (and
  // resumable). Empty: DefaultSpoolDir().
  std::string spool_dir;
  // How long the spool copy of an interrupted upload with an idempotency
  // key is kept for its resume after it was last written; older spool files
  // are swept at intake's start and periodically. Match storage's
  // --staged_grace, which keeps the staged bytes as long. Default 1 h.
  absl::Duration spool_grace = absl::Hours(1);
  // Most content inspections running at once (each may take a core and
  // 512 MiB); uploads past it wait on their executor thread. Default 2.
  int max_inspections = 2;
  // Uploads one student may have open at once. Default 4.
  int max_open_uploads_per_student = 4;
  // Refused attempts one student may make in a minute before intake turns
  // their new uploads away for the rest of it. Default 20.
  int max_refusals_per_minute = 20;
  // The course's receipt key (private): every receipt is signed with it.
  // Null: receipts are issued unsigned (the server warns at start).
  std::shared_ptr<const ReceiptKey> receipt_key;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_INTAKE_OPTIONS_H_
