#include "common/sha256.h"

#include "gtest/gtest.h"

namespace handin {
namespace {

TEST(Sha256, MatchesTheFips180TestVectors) {
  EXPECT_EQ(Sha256::Of(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::Of("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalUpdatesEqualOneShot) {
  const std::string text =
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  Sha256 hasher;
  for (size_t i = 0; i < text.size(); i += 7) hasher.Update(text.substr(i, 7));
  EXPECT_EQ(hasher.HexDigest(), Sha256::Of(text));
  EXPECT_EQ(Sha256::Of(text),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(IsSha256Hex, AcceptsOnlySixtyFourLowerCaseHexDigits) {
  EXPECT_TRUE(IsSha256Hex(Sha256::Of("x")));
  EXPECT_FALSE(IsSha256Hex(""));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'g')));
}

}  // namespace
}  // namespace handin
