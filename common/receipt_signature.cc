#include "common/receipt_signature.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "common/tls.h"

namespace handin {
namespace {

using common::v1::ReceiptClaims;
using common::v1::SignedReceipt;

constexpr size_t kSignatureBytes = 64;

void AddString(std::string& out, absl::string_view name,
               absl::string_view value) {
  absl::StrAppend(&out, name, "=", value.size(), ":", value, "\n");
}

void AddTime(std::string& out, absl::string_view name, bool has,
             const google::protobuf::Timestamp& value) {
  absl::StrAppend(
      &out, name, "=",
      has ? absl::FormatTime("%Y-%m-%dT%H:%M:%E9SZ", FromProtoTimestamp(value),
                             absl::UTCTimeZone())
          : "-",
      "\n");
}

// Reads a PEM key with `read` (private or public); null on failure.
template <typename Read>
EVP_PKEY* ReadPem(absl::string_view pem, Read read) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  EVP_PKEY* key = read(bio);
  BIO_free(bio);
  return key;
}

std::string KeyIdOf(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) return "";
  std::string id =
      Sha256::Of(absl::string_view(reinterpret_cast<const char*>(der), length))
          .substr(0, 16);
  OPENSSL_free(der);
  return id;
}

absl::Status NotEd25519(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a PEM Ed25519 ", what,
                   " key (make one with: openssl genpkey -algorithm ed25519)"));
}

// Reads the file at `path` and parses it with `parse`; errors name the file.
template <typename Key>
absl::StatusOr<Key> ReadKeyFile(
    const std::string& path, absl::StatusOr<Key> (*parse)(absl::string_view)) {
  absl::StatusOr<std::string> pem = ReadFileToString(path);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<Key> key = parse(*pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

}  // namespace

std::string CanonicalReceiptBytes(const ReceiptClaims& c) {
  std::string out = "handin-receipt-v1\n";
  AddString(out, "course_id", c.course_id());
  AddString(out, "item_id", c.item_id());
  AddString(out, "principal", c.principal());
  AddString(out, "submission_id", c.submission_id());
  AddString(out, "sha256_hex", c.sha256_hex());
  absl::StrAppend(&out, "size_bytes=", c.size_bytes(), "\n");
  AddTime(out, "started_at", c.has_started_at(), c.started_at());
  AddTime(out, "committed_at", c.has_committed_at(), c.committed_at());
  absl::StrAppend(&out, "verdict_kind=",
                  common::v1::VerdictKind_Name(c.verdict_kind()), "\n");
  AddString(out, "verdict_reason", c.verdict_reason());
  AddString(out, "policy_digest", c.policy_digest());
  absl::StrAppend(&out, "audit_sequence=", c.audit_sequence(), "\n");
  AddString(out, "audit_hash_hex", c.audit_hash_hex());
  return out;
}

ReceiptClaims ClaimsFor(const common::v1::SubmissionRecord& record) {
  ReceiptClaims c;
  c.set_course_id(record.course_id());
  c.set_item_id(record.item_id());
  c.set_principal(record.principal());
  c.set_submission_id(record.submission_id());
  c.set_sha256_hex(record.sha256_hex());
  c.set_size_bytes(record.size_bytes());
  if (record.has_started_at()) *c.mutable_started_at() = record.started_at();
  if (record.has_committed_at()) {
    *c.mutable_committed_at() = record.committed_at();
  }
  c.set_verdict_kind(record.verdict().kind());
  c.set_verdict_reason(record.verdict().reason());
  c.set_policy_digest(record.policy_digest());
  c.set_audit_sequence(record.audit_sequence());
  c.set_audit_hash_hex(record.audit_hash_hex());
  return c;
}

ReceiptKey::ReceiptKey(evp_pkey_st* key, bool is_private)
    : key_(key), private_(is_private), key_id_(KeyIdOf(key)) {}

ReceiptKey::ReceiptKey(ReceiptKey&& other) noexcept
    : key_(std::exchange(other.key_, nullptr)),
      private_(other.private_),
      key_id_(std::move(other.key_id_)) {}

ReceiptKey& ReceiptKey::operator=(ReceiptKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(key_);
    key_ = std::exchange(other.key_, nullptr);
    private_ = other.private_;
    key_id_ = std::move(other.key_id_);
  }
  return *this;
}

ReceiptKey::~ReceiptKey() { EVP_PKEY_free(key_); }

absl::StatusOr<ReceiptKey> ReceiptKey::FromPrivateKeyPem(
    absl::string_view pem) {
  EVP_PKEY* key = ReadPem(pem, [](BIO* bio) {
    return PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  });
  if (key == nullptr || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return NotEd25519("private");
  }
  return ReceiptKey(key, /*is_private=*/true);
}

absl::StatusOr<ReceiptKey> ReceiptKey::FromPublicKeyPem(absl::string_view pem) {
  EVP_PKEY* key = ReadPem(pem, [](BIO* bio) {
    return PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  });
  if (key == nullptr || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return NotEd25519("public");
  }
  return ReceiptKey(key, /*is_private=*/false);
}

absl::StatusOr<ReceiptKey> ReceiptKey::FromPrivateKeyFile(
    const std::string& path) {
  return ReadKeyFile(path, &ReceiptKey::FromPrivateKeyPem);
}

absl::StatusOr<ReceiptKey> ReceiptKey::FromPublicKeyFile(
    const std::string& path) {
  return ReadKeyFile(path, &ReceiptKey::FromPublicKeyPem);
}

ReceiptKey ReceiptKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) {
    // No entropy or no Ed25519 in this OpenSSL: nothing could be signed.
    std::fprintf(stderr, "fatal: OpenSSL cannot make an Ed25519 key\n");
    std::abort();
  }
  return ReceiptKey(key, /*is_private=*/true);
}

std::string ReceiptKey::PublicKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key_);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, length);
  BIO_free(bio);
  return pem;
}

absl::StatusOr<SignedReceipt> ReceiptKey::Sign(
    const ReceiptClaims& claims) const {
  if (!private_) {
    return absl::FailedPreconditionError(
        "a public key cannot sign receipts; give intake the private key");
  }
  const std::string message = CanonicalReceiptBytes(claims);
  std::string signature(kSignatureBytes, '\0');
  size_t length = signature.size();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr &&
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()),
                     &length,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError("Ed25519 signing failed (OpenSSL)");
  SignedReceipt receipt;
  *receipt.mutable_claims() = claims;
  receipt.set_signature(signature.substr(0, length));
  receipt.set_key_id(key_id_);
  return receipt;
}

absl::Status ReceiptKey::Verify(const SignedReceipt& receipt) const {
  if (receipt.key_id() != key_id_) {
    return absl::FailedPreconditionError(
        absl::StrCat("the receipt was signed by key ", receipt.key_id(),
                     ", not by this course key ", key_id_));
  }
  const std::string message = CanonicalReceiptBytes(receipt.claims());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
      EVP_DigestVerify(
          ctx,
          reinterpret_cast<const unsigned char*>(receipt.signature().data()),
          receipt.signature().size(),
          reinterpret_cast<const unsigned char*>(message.data()),
          message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    return absl::DataLossError(
        "the receipt's signature does not verify: its contents were changed "
        "after intake signed them");
  }
  return absl::OkStatus();
}

}  // namespace handin
