// Fuzzes bearer-token verification, which every call to a student- or
// staff-facing service goes through before any handler runs:
// TokenVerifier::Verify must never crash, leak or hit undefined behaviour,
// and must keep its contract: an OK result has every claim valid, anything
// else is UNAUTHENTICATED.
//
// Input (corpus/token_parser/), by its first byte:
//   'S' + a JSON object: the object is signed as a token's claims with a
//       key made at start-up, so the claim checks behind the signature are
//       reached (a random token never gets past the signature);
//   anything else: the whole input is verified as a token.
// No key is committed: the fuzzer generates its own P-256 pair.

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "Poco/Crypto/ECKey.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JWT/Signer.h"
#include "Poco/JWT/Token.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth_token.h"
#include "common/caller.h"

namespace {

struct Keys {
  std::string private_pem;
  std::optional<handin::TokenVerifier> verifier;
};

std::string Pem(EVP_PKEY* key, bool private_half) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                &BIO_free);
  if (private_half) {
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                             nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio.get(), key);
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

const Keys& FuzzKeys() {
  static const Keys* keys = [] {
    auto* made = new Keys;
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (key == nullptr) std::abort();
    made->private_pem = Pem(key, true);
    auto verifier = handin::TokenVerifier::FromPublicKeyPem(Pem(key, false));
    if (!verifier.ok()) std::abort();
    made->verifier.emplace(*std::move(verifier));
    EVP_PKEY_free(key);
    return made;
  }();
  return *keys;
}

// `claims_json` signed ES256 with the fuzzer's key, or nullopt when it is
// not a JSON object.
std::optional<std::string> SignClaims(const std::string& claims_json) {
  static const Poco::JWT::Signer* const signer = [] {
    std::istringstream pem(FuzzKeys().private_pem);
    return new Poco::JWT::Signer(Poco::SharedPtr<Poco::Crypto::ECKey>(
        new Poco::Crypto::ECKey(nullptr, &pem)));
  }();
  try {
    const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(claims_json);
    const Poco::JSON::Object::Ptr claims =
        parsed.extract<Poco::JSON::Object::Ptr>();
    Poco::JWT::Token token;
    token.payload() = *claims;
    return signer->sign(token, Poco::JWT::Signer::ALGO_ES256);
  } catch (const std::exception&) {  // Not JSON, or not an object.
    return std::nullopt;
  }
}

void CheckContract(absl::string_view token) {
  const absl::Time now = absl::FromUnixSeconds(1710000000);
  const absl::StatusOr<handin::TokenClaims> claims =
      FuzzKeys().verifier->Verify(token, now);
  if (!claims.ok()) {
    if (claims.status().code() != absl::StatusCode::kUnauthenticated) {
      std::abort();
    }
    return;
  }
  if (!handin::IsValidUserId(claims->subject) || claims->course_id.empty() ||
      !(claims->issued_at < claims->expires_at) ||
      !(now < claims->expires_at) || token.size() > handin::kMaxTokenBytes) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input[0] == 'S') {
    const std::string json(input.substr(1));
    if (std::optional<std::string> token = SignClaims(json)) {
      CheckContract(*token);
    }
    return 0;
  }
  CheckContract(input);
  return 0;
}
