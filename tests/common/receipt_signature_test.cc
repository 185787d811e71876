// Receipt signatures: what is signed, that any change to a signed receipt
// fails verification, and that keys are read the way OpenSSL writes them.

#include "common/receipt_signature.h"

#include <string>

#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin {
namespace {

using common::v1::ReceiptClaims;
using common::v1::SignedReceipt;
using ::testing::HasSubstr;

ReceiptClaims Claims() {
  ReceiptClaims c;
  c.set_course_id("eecs598-w24");
  c.set_item_id("project-report");
  c.set_principal("ari");
  c.set_submission_id("20240501T215900.123456789Z-0001");
  c.set_sha256_hex(std::string(64, 'a'));
  c.set_size_bytes(1234);
  *c.mutable_started_at() =
      ToProtoTimestamp(absl::FromUnixNanos(1714600740123456789));
  *c.mutable_committed_at() =
      ToProtoTimestamp(absl::FromUnixSeconds(1714600741));
  c.set_verdict_kind(common::v1::VERDICT_KIND_ON_TIME);
  c.set_verdict_reason("due 2024-05-01 18:00 EDT; on time");
  c.set_policy_digest(std::string(64, 'b'));
  c.set_audit_sequence(42);
  c.set_audit_hash_hex(std::string(64, 'c'));
  return c;
}

TEST(CanonicalReceiptBytes, IsTheDocumentedLineFormat) {
  EXPECT_EQ(CanonicalReceiptBytes(Claims()),
            "handin-receipt-v1\n"
            "course_id=11:eecs598-w24\n"
            "item_id=14:project-report\n"
            "principal=3:ari\n"
            "submission_id=31:20240501T215900.123456789Z-0001\n"
            "sha256_hex=64:" +
                std::string(64, 'a') +
                "\n"
                "size_bytes=1234\n"
                "started_at=2024-05-01T21:59:00.123456789Z\n"
                "committed_at=2024-05-01T21:59:01.000000000Z\n"
                "verdict_kind=VERDICT_KIND_ON_TIME\n"
                "verdict_reason=33:due 2024-05-01 18:00 EDT; on time\n"
                "policy_digest=64:" +
                std::string(64, 'b') +
                "\n"
                "audit_sequence=42\n"
                "audit_hash_hex=64:" +
                std::string(64, 'c') + "\n");
}

TEST(CanonicalReceiptBytes, ALineBreakInAValueCannotForgeAField) {
  ReceiptClaims a = Claims();
  a.set_verdict_reason("x\npolicy_digest=1:y");
  ReceiptClaims b = Claims();
  b.set_verdict_reason("x");
  b.set_policy_digest("y");
  EXPECT_NE(CanonicalReceiptBytes(a), CanonicalReceiptBytes(b));
}

TEST(ReceiptKey, ASignedReceiptVerifiesAndEveryChangedBitFailsIt) {
  const ReceiptKey key = ReceiptKey::Generate();
  absl::StatusOr<SignedReceipt> signed_receipt = key.Sign(Claims());
  ASSERT_TRUE(signed_receipt.ok()) << signed_receipt.status();
  EXPECT_EQ(signed_receipt->signature().size(), 64u);
  EXPECT_EQ(signed_receipt->key_id(), key.key_id());
  EXPECT_TRUE(key.Verify(*signed_receipt).ok());

  // Flip each bit of the signed bytes' every field value in turn (through
  // the serialized claims) and of the signature.
  const std::string claims = signed_receipt->claims().SerializeAsString();
  int checked = 0;
  for (size_t i = 0; i < claims.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = claims;
      changed[i] ^= static_cast<char>(1 << bit);
      SignedReceipt tampered = *signed_receipt;
      if (!tampered.mutable_claims()->ParseFromString(changed) ||
          CanonicalReceiptBytes(tampered.claims()) ==
              CanonicalReceiptBytes(signed_receipt->claims())) {
        continue;  // Not a receipt any more, or the same claims.
      }
      EXPECT_EQ(key.Verify(tampered).code(), absl::StatusCode::kDataLoss)
          << "byte " << i << " bit " << bit;
      ++checked;
    }
  }
  EXPECT_GT(checked, 500);
  for (size_t i = 0; i < 64; ++i) {
    SignedReceipt tampered = *signed_receipt;
    (*tampered.mutable_signature())[i] ^= 1;
    EXPECT_EQ(key.Verify(tampered).code(), absl::StatusCode::kDataLoss);
  }
}

TEST(ReceiptKey, AnotherKeysReceiptIsRefusedNamingBothKeys) {
  const ReceiptKey ours = ReceiptKey::Generate();
  const ReceiptKey theirs = ReceiptKey::Generate();
  absl::StatusOr<SignedReceipt> receipt = theirs.Sign(Claims());
  ASSERT_TRUE(receipt.ok());
  const absl::Status status = ours.Verify(*receipt);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr(theirs.key_id()));
  EXPECT_THAT(status.message(), HasSubstr(ours.key_id()));
  // Even with the key id rewritten, the signature gives it away.
  receipt->set_key_id(ours.key_id());
  EXPECT_EQ(ours.Verify(*receipt).code(), absl::StatusCode::kDataLoss);
}

TEST(ReceiptKey, ReadsKeysMadeByTheOpensslCommandAndOnlyEd25519) {
  testing::TempDir dir;
  const std::string key = dir.File("receipt.key");
  const std::string pub = dir.File("receipt.pub");
  ASSERT_EQ(testing::RunCommand({"/usr/bin/openssl", "genpkey", "-algorithm",
                                 "ed25519", "-out", key})
                .exit_code,
            0);
  ASSERT_EQ(testing::RunCommand({"/usr/bin/openssl", "pkey", "-in", key,
                                 "-pubout", "-out", pub})
                .exit_code,
            0);
  absl::StatusOr<ReceiptKey> signer = ReceiptKey::FromPrivateKeyFile(key);
  ASSERT_TRUE(signer.ok()) << signer.status();
  absl::StatusOr<ReceiptKey> verifier = ReceiptKey::FromPublicKeyFile(pub);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ(signer->key_id(), verifier->key_id());
  EXPECT_EQ(signer->PublicKeyPem(), verifier->PublicKeyPem());
  absl::StatusOr<SignedReceipt> receipt = signer->Sign(Claims());
  ASSERT_TRUE(receipt.ok());
  EXPECT_TRUE(verifier->Verify(*receipt).ok());
  EXPECT_EQ(verifier->Sign(Claims()).status().code(),
            absl::StatusCode::kFailedPrecondition);

  const std::string rsa = dir.File("rsa.key");
  ASSERT_EQ(
      testing::RunCommand({"/usr/bin/openssl", "genpkey", "-algorithm", "rsa",
                           "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa})
          .exit_code,
      0);
  absl::StatusOr<ReceiptKey> wrong = ReceiptKey::FromPrivateKeyFile(rsa);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(), HasSubstr("not a PEM Ed25519"));
  EXPECT_EQ(
      ReceiptKey::FromPublicKeyFile(dir.File("missing.pub")).status().code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace handin
