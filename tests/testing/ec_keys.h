#ifndef HANDIN_TESTS_TESTING_EC_KEYS_H_
#define HANDIN_TESTS_TESTING_EC_KEYS_H_

#include <string>

namespace handin::testing {

// A freshly generated EC key pair in PEM.
struct PemKeyPair {
  std::string private_pem;
  std::string public_pem;
};

// Generates a key pair on `curve` ("P-256" signs bearer tokens) with
// OpenSSL; fails the running test (and returns empty strings) if it cannot.
PemKeyPair MakeEcKeyPair(const char* curve = "P-256");

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_EC_KEYS_H_
