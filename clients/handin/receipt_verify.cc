#include "clients/handin/receipt_verify.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/handin/errors.h"
#include "common/proto_time.h"
#include "common/receipt_signature.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "google/protobuf/text_format.h"

namespace handin::client {
namespace {

using common::v1::ReceiptClaims;
using common::v1::SignedReceipt;

std::string Utc(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E3S UTC", FromProtoTimestamp(t),
                          absl::UTCTimeZone());
}

// Hashes the file at `path` while reading it in 1 MiB pieces; sets `size`.
absl::StatusOr<std::string> HashFile(const std::string& path, int64_t& size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  Sha256 hash;
  std::string buffer(1 << 20, '\0');
  size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    hash.Update(absl::string_view(buffer.data(), got));
    size += got;
  }
  if (in.bad())
    return absl::DataLossError(absl::StrCat("error reading ", path));
  return hash.HexDigest();
}

// What a valid receipt proves, in one paragraph.
std::string Proves(const ReceiptClaims& c, absl::string_view key_id) {
  return absl::StrCat(
      "valid receipt (key ", key_id, "): ", c.principal(), " submitted ",
      c.item_id(), " to ", c.course_id(), " as submission ", c.submission_id(),
      "\n  started   ", Utc(c.started_at()), "\n  committed ",
      Utc(c.committed_at()), "\n  ", c.size_bytes(), " bytes, SHA-256 ",
      c.sha256_hex(), "\n  verdict   ",
      common::v1::VerdictKind_Name(c.verdict_kind()), ": ", c.verdict_reason(),
      "\n  policy    SHA-256 ", c.policy_digest(), "\n  audit log event ",
      c.audit_sequence(), ", hash ", c.audit_hash_hex(), "\n");
}

}  // namespace

absl::StatusOr<SignedReceipt> ReadReceiptFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  SignedReceipt receipt;
  if (!google::protobuf::TextFormat::ParseFromString(*text, &receipt)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        " is not a handin receipt (or it was damaged): expected the "
        "text `handin submit` saved"));
  }
  return receipt;
}

absl::Status WriteReceiptFile(const SignedReceipt& receipt,
                              const std::string& path) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(receipt, &text);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "# handin receipt: keep it. Check it any time with\n"
         "#   handin receipt verify "
      << path << " --key <course receipt key> [--file <your file>]\n"
      << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

int RunReceiptVerify(const ReceiptVerifyOptions& options, Console console) {
  absl::StatusOr<SignedReceipt> receipt = ReadReceiptFile(options.receipt_path);
  if (!receipt.ok()) return LocalFailure(console, receipt.status().message());
  absl::StatusOr<ReceiptKey> key =
      ReceiptKey::FromPublicKeyFile(options.public_key_path);
  if (!key.ok()) return LocalFailure(console, key.status().message());
  if (absl::Status verified = key->Verify(*receipt); !verified.ok()) {
    console.err << "handin: " << options.receipt_path
                << " does NOT verify: " << verified.message() << "\n";
    return kExitServerError;
  }
  console.out << Proves(receipt->claims(), key->key_id());
  if (options.file_path.empty()) return kExitOk;

  int64_t size = 0;
  absl::StatusOr<std::string> sha = HashFile(options.file_path, size);
  if (!sha.ok()) return LocalFailure(console, sha.status().message());
  const ReceiptClaims& claims = receipt->claims();
  if (*sha != claims.sha256_hex() || size != claims.size_bytes()) {
    console.err << "handin: " << options.file_path
                << " is NOT the submitted file: it has " << size
                << " bytes, SHA-256 " << *sha << "; the receipt says "
                << claims.size_bytes() << " bytes, SHA-256 "
                << claims.sha256_hex() << "\n";
    return kExitServerError;
  }
  console.out << options.file_path << " is the submitted file (" << size
              << " bytes, SHA-256 matches)\n";
  return kExitOk;
}

}  // namespace handin::client
