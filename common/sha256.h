#ifndef HANDIN_COMMON_SHA256_H_
#define HANDIN_COMMON_SHA256_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"

struct evp_md_ctx_st;

namespace handin {

// Incremental SHA-256 (OpenSSL EVP). Feed bytes with Update in order, then
// call HexDigest once. Not thread-safe; one hasher per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view bytes);
  // Returns the lower-case hex digest of everything fed so far. The hasher
  // must not be used afterwards.
  std::string HexDigest();

  // Returns the lower-case hex SHA-256 of `bytes`.
  static std::string Of(absl::string_view bytes);

 private:
  struct CtxDeleter {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, CtxDeleter> ctx_;
};

// Returns true if `hex` looks like a SHA-256 digest: 64 lower-case hex digits.
bool IsSha256Hex(absl::string_view hex);

}  // namespace handin

#endif  // HANDIN_COMMON_SHA256_H_
