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

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

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

// `claims_json` signed ES256 with the fuzzer's key, or nullopt when libjwt
// will not take it as claims.
std::optional<std::string> SignClaims(const std::string& claims_json) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return std::nullopt;
  std::optional<std::string> token;
  const std::string& key = FuzzKeys().private_pem;
  if (jwt_add_grants_json(jwt, claims_json.c_str()) == 0 &&
      jwt_set_alg(jwt, JWT_ALG_ES256,
                  reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) == 0) {
    char* encoded = jwt_encode_str(jwt);
    if (encoded != nullptr) token = encoded;
    std::free(encoded);
  }
  jwt_free(jwt);
  return token;
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
    // libjwt reads a C string: stop at the first NUL as it would.
    const std::string json(input.substr(1).substr(0, input.find('\0', 1) - 1));
    if (std::optional<std::string> token = SignClaims(json)) {
      CheckContract(*token);
    }
    return 0;
  }
  CheckContract(input);
  return 0;
}
