#ifndef HANDIN_CLIENTS_HANDIN_COMMANDS_H_
#define HANDIN_CLIENTS_HANDIN_COMMANDS_H_

#include <string>

#include "absl/time/clock.h"  // common/clock.h uses absl::Now without it.
#include "absl/time/time.h"
#include "clients/handin/session.h"
#include "common/clock.h"

namespace handin::client {

// Options of `handin submit`.
struct SubmitOptions {
  // Item id, e.g. "project-report". Required.
  std::string item_id;
  // The file to upload. Required.
  std::string file_path;
  // Upload even if the deadline check says the submission would be late,
  // without asking (--yes). Default false.
  bool assume_yes = false;
  // How many times the upload is tried when intake cannot be reached, the
  // connection drops or intake answers UNAVAILABLE, always with the same
  // idempotency key, so a retry of an upload that was stored gets its
  // receipt and stores nothing twice. Each retry first asks intake how much
  // it holds (QueryWriteStatus; a failed ask counts as an attempt) and
  // resumes from there. Default 3.
  int attempts = 3;
  // How long to wait before the second attempt; doubled before each
  // further one. Default 2 s.
  absl::Duration retry_delay = absl::Seconds(2);
  // Where the signed receipt is saved (ReceiptFileName). Default: the
  // current directory.
  std::string receipt_dir = ".";
};

// "handin-receipt-<course>-<item>-<submission id>.txtpb", with every '/'
// of the item id written as '_' (e.g. "slides_2024-03-19").
std::string ReceiptFileName(const common::v1::SubmissionRecord& record);

// `handin submit --item ITEM [--yes] FILE`: inspects and hashes FILE, asks
// intake (CheckSubmission) what an upload started now would get, then
// uploads it and prints the receipt on `out`.
//   ON_TIME     uploads;
//   REFUSED     prints the reason and returns kExitServerError, uploading
//               nothing;
//   otherwise   warns on `err` with the verdict and its reason, then
//               uploads if `assume_yes` or if asked "Submit anyway? [y/N] "
//               (only when `console.interactive`) the answer is y or yes;
//               without a terminal or on another answer it uploads nothing
//               and returns kExitLocalError.
// The upload carries a fresh random idempotency key. An upload that lost
// its connection (UNAVAILABLE, or a stream broken part-way) is retried
// (`attempts`, `retry_delay`) with that key, saying so on `err`: handin
// asks intake how much it holds and sends only the rest, saying "connection
// lost; resuming at <held> of <size>" on `err`, with the progress bar going
// on from there; a resume intake refuses (FAILED_PRECONDITION) is sent
// again from the start, once. A file that changed in the meantime is
// refused by intake's SHA-256 check (DATA_LOSS).
// A retry answered with an already stored submission says so on `err` and
// prints that submission's receipt. The signed receipt is saved in
// `receipt_dir` (ReceiptFileName) and its path printed; a receipt that
// cannot be saved is a warning on `err`, not a failure (it is stored).
// A failed check is one line and kExitServerError. Returns 0 on success,
// kExitLocalError (2) for a missing user, an unusable FILE or CA file,
// kExitServerError (1) when intake refuses, fails or cannot be reached.
int RunSubmit(const GlobalOptions& options, const SubmitOptions& submit,
              const Clock& clock, Console console);

// `handin status`: prints the caller's submissions in the course as a table
// on `out`, then, if intake refused any of the caller's uploads, a blank
// line and the table of refused attempts with their reasons. Exit codes as
// for RunSubmit.
int RunStatus(const GlobalOptions& options, Console console);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_COMMANDS_H_
