#ifndef HANDIN_CLIENTS_HANDIN_RECEIPT_VERIFY_H_
#define HANDIN_CLIENTS_HANDIN_RECEIPT_VERIFY_H_

#include <string>

#include "absl/status/statusor.h"
#include "clients/handin/session.h"
#include "handin/common/v1/receipt.pb.h"

namespace handin::client {

// Options of `handin receipt verify`.
struct ReceiptVerifyOptions {
  // The receipt file `handin submit` saved (a SignedReceipt in protobuf
  // text format).
  std::string receipt_path;
  // The course's receipt public key (PEM), as staff publish it.
  std::string public_key_path;
  // When set, also prove that this local file is what was submitted: its
  // size and SHA-256 must match the receipt's.
  std::string file_path;
};

// Reads a receipt file. InvalidArgument if it is not a SignedReceipt in
// protobuf text format, NotFound if it cannot be read.
absl::StatusOr<common::v1::SignedReceipt> ReadReceiptFile(
    const std::string& path);

// Writes `receipt` to `path` in protobuf text format, readable by
// ReadReceiptFile. Internal on a write error.
absl::Status WriteReceiptFile(const common::v1::SignedReceipt& receipt,
                              const std::string& path);

// `handin receipt verify RECEIPT --key PUB [--file FILE]`: offline, checks
// the receipt's Ed25519 signature with the course's public key and, with
// --file, that the file's size and SHA-256 are the receipt's. Prints what
// the receipt proves ("valid receipt: ari submitted project-report to
// eecs598-w24, started 2024-05-01 21:59:00 UTC, ...") and returns kExitOk,
// or prints why not and returns kExitServerError (the receipt or the file
// does not verify) or kExitLocalError (a file cannot be read or parsed).
int RunReceiptVerify(const ReceiptVerifyOptions& options, Console console);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_RECEIPT_VERIFY_H_
