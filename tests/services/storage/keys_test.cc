#include "services/storage/keys.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/submission_id.h"

namespace handin::storage {
namespace keys {
namespace {

using ::testing::HasSubstr;

bool StartsWith(const std::string& key, const std::string& prefix) {
  return key.compare(0, prefix.size(), prefix) == 0;
}

TEST(Keys, PrefixOfOneIdNeverCoversALongerIdWithTheSameStart) {
  EXPECT_FALSE(StartsWith(SubmissionKey("eecs598-w24", "x"),
                          SubmissionPrefix("eecs598")));
  EXPECT_FALSE(StartsWith(ItemIndexKey("c", "slides/03-19", "x"),
                          ItemIndexPrefix("c", "slides")));
  EXPECT_TRUE(StartsWith(ItemIndexKey("c", "slides", "x"),
                         ItemIndexPrefix("c", "slides")));
  EXPECT_FALSE(StartsWith(PrincipalIndexKey("c", "ann", "x"),
                          PrincipalIndexPrefix("c", "an")));
}

TEST(Keys, PrefixEndBoundsEveryKeyUnderThePrefix) {
  const std::string prefix = UploadChunkPrefix(7);
  const std::string end = PrefixEnd(prefix);
  EXPECT_LT(ChunkKey(7, 0), end);
  EXPECT_LT(ChunkKey(7, INT64_MAX), end);
  EXPECT_GT(ChunkKey(8, 0), end);
  EXPECT_GE(ChunkKey(7, 0), prefix);
}

TEST(Keys, ChunkKeysSortByUploadThenOffsetAndParseBack) {
  EXPECT_LT(ChunkKey(1, 65536), ChunkKey(1, 131072));
  EXPECT_LT(ChunkKey(1, 1 << 30), ChunkKey(2, 0));
  auto parts = ParseChunkKey(ChunkKey(0x1234, 0xabcdef));
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ(parts->upload_id, 0x1234u);
  EXPECT_EQ(parts->offset, 0xabcdef);
  EXPECT_EQ(ParseChunkKey("chunk").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(Keys, ManifestRoundTripsAndRejectsGarbage) {
  auto manifest = DecodeManifest(EncodeManifest({42, int64_t{3} << 30}));
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->upload_id, 42u);
  EXPECT_EQ(manifest->size_bytes, int64_t{3} << 30);
  EXPECT_EQ(DecodeManifest("short").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(Keys, RefusalAndIdempotencyKeysStayWithinTheirCourseAndOwner) {
  EXPECT_FALSE(
      StartsWith(RefusalKey("eecs598-w24", "x"), RefusalPrefix("eecs598")));
  EXPECT_TRUE(StartsWith(RefusalItemIndexKey("c", "slides", "x"),
                         RefusalItemIndexPrefix("c", "slides")));
  EXPECT_FALSE(StartsWith(RefusalPrincipalIndexKey("c", "ann", "x"),
                          RefusalPrincipalIndexPrefix("c", "an")));
  // Refusals are not submissions, whatever the scan.
  EXPECT_FALSE(StartsWith(RefusalKey("c", "x"), SubmissionPrefix("c")));
  EXPECT_NE(IdempotencyKey("c", "ann", "k"), IdempotencyKey("c", "bob", "k"));
  EXPECT_NE(IdempotencyKey("c", "ann", "k"), IdempotencyKey("d", "ann", "k"));
}

TEST(Keys, AuditKeysSortBySequenceAndParseBack) {
  EXPECT_LT(AuditKey(9), AuditKey(10));
  EXPECT_LT(AuditKey(0xffff), AuditKey(0x10000));
  EXPECT_TRUE(StartsWith(AuditKey(1), AuditPrefix()));
  auto sequence = ParseAuditKey(AuditKey(0xabc));
  ASSERT_TRUE(sequence.ok()) << sequence.status();
  EXPECT_EQ(*sequence, 0xabcu);
  EXPECT_EQ(ParseAuditKey("audit").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseAuditKey(AuditPrefix() + "zzzzzzzzzzzzzzzz").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(Keys, ComponentsMustBeNonEmptyAndFreeOfNul) {
  EXPECT_TRUE(ValidateKeyComponent("course_id", "eecs598-w24").ok());
  EXPECT_THAT(ValidateKeyComponent("course_id", "").message(),
              HasSubstr("course_id is empty"));
  EXPECT_EQ(ValidateKeyComponent("item_id", std::string("a\0b", 3)).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace keys

namespace {

TEST(SubmissionId, FormatsAndParsesBackToTheMicrosecond) {
  const absl::Time t = absl::FromCivil(absl::CivilSecond(2024, 3, 10, 7, 5, 9),
                                       absl::UTCTimeZone()) +
                       absl::Microseconds(42);
  EXPECT_EQ(FormatSubmissionId(t), "20240310T070509.000042Z");
  auto parsed = ParseSubmissionId("20240310T070509.000042Z");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, t);
  // Later instants sort later as bytes.
  EXPECT_LT(FormatSubmissionId(t),
            FormatSubmissionId(t + absl::Microseconds(1)));
  EXPECT_LT(FormatSubmissionId(t),
            FormatSubmissionId(t + absl::Hours(24 * 400)));
}

TEST(SubmissionId, MalformedIdsAreDataLoss) {
  for (const char* bad : {"", "20240310T070509Z", "20240310T070509.00004xZ",
                          "20240231T070509.000000Z", "2024-03-10T07:05:09Z"}) {
    EXPECT_EQ(ParseSubmissionId(bad).status().code(),
              absl::StatusCode::kDataLoss)
        << bad;
  }
}

}  // namespace
}  // namespace handin::storage
