#ifndef HANDIN_COMMON_RECEIPT_SIGNATURE_H_
#define HANDIN_COMMON_RECEIPT_SIGNATURE_H_

// Ed25519 signatures over receipts (OpenSSL EVP). Intake signs with the
// course's private key; anyone with the public key verifies, offline.
//
// The signed bytes are CanonicalReceiptBytes(claims): the line
// "handin-receipt-v1\n", then one line per ReceiptClaims field in field
// number order, "<field name>=<value>\n", where a string is written as
// "<length in bytes>:<bytes>" (so no value can forge a line break), an
// integer in decimal, a timestamp as RFC 3339 UTC with nine fraction digits
// ("2024-03-18T14:41:00.000000000Z"), and the verdict kind by its enum name
// ("VERDICT_KIND_ON_TIME"). Absent timestamps are written as "-".

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "handin/common/v1/receipt.pb.h"

// OpenSSL's key type, kept out of this header.
struct evp_pkey_st;

namespace handin {

// The exact bytes signed for `claims` (see above).
std::string CanonicalReceiptBytes(const common::v1::ReceiptClaims& claims);

// What a receipt for the stored `record` attests: its ids, size and
// SHA-256, started_at, committed_at, verdict, policy digest and audit event.
common::v1::ReceiptClaims ClaimsFor(const common::v1::SubmissionRecord& record);

// An Ed25519 key: private (signs and verifies) or public (verifies only).
class ReceiptKey {
 public:
  // Reads a PEM private key ("openssl genpkey -algorithm ed25519").
  // InvalidArgument if `pem` is not one or the key is not Ed25519.
  static absl::StatusOr<ReceiptKey> FromPrivateKeyPem(absl::string_view pem);
  // Reads a PEM public key ("openssl pkey -pubout"). InvalidArgument as
  // above.
  static absl::StatusOr<ReceiptKey> FromPublicKeyPem(absl::string_view pem);
  // Reads either kind from a file; NotFound if it cannot be read.
  static absl::StatusOr<ReceiptKey> FromPrivateKeyFile(const std::string& path);
  static absl::StatusOr<ReceiptKey> FromPublicKeyFile(const std::string& path);
  // A new random private key (for tests and key generation).
  static ReceiptKey Generate();

  ReceiptKey(ReceiptKey&&) noexcept;
  ReceiptKey& operator=(ReceiptKey&&) noexcept;
  ~ReceiptKey();

  // First 16 hex digits of the SHA-256 of the DER public key.
  const std::string& key_id() const { return key_id_; }
  // The public half as PEM, for distribution to students.
  std::string PublicKeyPem() const;
  bool has_private_key() const { return private_; }

  // Signs `claims`. FailedPrecondition for a public-only key.
  absl::StatusOr<common::v1::SignedReceipt> Sign(
      const common::v1::ReceiptClaims& claims) const;

  // OK if `receipt` carries this key's id and its signature verifies over
  // its claims. FailedPrecondition naming both ids if another key signed
  // it; DataLoss "does not verify" if the claims or the signature were
  // changed.
  absl::Status Verify(const common::v1::SignedReceipt& receipt) const;

 private:
  ReceiptKey(evp_pkey_st* key, bool is_private);

  evp_pkey_st* key_ = nullptr;
  bool private_ = false;
  std::string key_id_;
};

}  // namespace handin

#endif  // HANDIN_COMMON_RECEIPT_SIGNATURE_H_
