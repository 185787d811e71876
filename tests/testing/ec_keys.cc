#include "tests/testing/ec_keys.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "gtest/gtest.h"

namespace handin::testing {
namespace {

std::string ToPem(EVP_PKEY* key, bool private_half) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                &BIO_free);
  const int written =
      private_half ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr,
                                              0, nullptr, nullptr)
                   : PEM_write_bio_PUBKEY(bio.get(), key);
  EXPECT_EQ(written, 1) << "OpenSSL could not write the key as PEM";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

PemKeyPair MakeEcKeyPair(const char* curve) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen(curve),
                                                          &EVP_PKEY_free);
  EXPECT_NE(key, nullptr) << "OpenSSL could not generate a " << curve << " key";
  if (key == nullptr) return {};
  return {ToPem(key.get(), true), ToPem(key.get(), false)};
}

}  // namespace handin::testing
