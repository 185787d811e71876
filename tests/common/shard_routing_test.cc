#include "common/shard_routing.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace handin {
namespace {

// The rule is part of the on-disk layout (a course's data lives on the shard
// it names), so these values are pinned: they are the first 8 bytes of
// SHA-256 of the course id, mod N, computed independently
// (python3 hashlib). If this test fails, the rule changed; do not update
// the numbers, restore the rule.
TEST(StorageShardFor, FollowsTheDocumentedRule) {
  // SHA-256("eecs598-w24") starts 766ee5da29eb3893.
  EXPECT_EQ(StorageShardFor("eecs598-w24", 2).value(), 1);
  EXPECT_EQ(StorageShardFor("eecs598-w24", 3).value(), 2);
  EXPECT_EQ(StorageShardFor("eecs598-w24", 4).value(), 3);
  EXPECT_EQ(StorageShardFor("eecs598-w24", 5).value(), 4);
  EXPECT_EQ(StorageShardFor("eecs598-w24", 16).value(), 3);
  // SHA-256("eecs482-f25") starts 398fc1f50d0ac192.
  EXPECT_EQ(StorageShardFor("eecs482-f25", 3).value(), 1);
  EXPECT_EQ(StorageShardFor("eecs482-f25", 4).value(), 2);
  // SHA-256("a") starts ca978112ca1bbdca: the top bit is set, so the
  // prefix is read unsigned.
  EXPECT_EQ(StorageShardFor("a", 7).value(), 4);
  EXPECT_EQ(StorageShardFor("a", 16).value(), 10);
}

TEST(StorageShardFor, OneShardKeepsEveryCourse) {
  for (const char* course : {"eecs598-w24", "eecs482-f25", "a", "x y z"}) {
    EXPECT_EQ(StorageShardFor(course, 1).value(), 0) << course;
  }
}

TEST(StorageShardFor, StaysInRangeAndSpreadsCourses) {
  constexpr int kShards = 4;
  std::set<int> used;
  for (int i = 0; i < 64; ++i) {
    const int shard =
        StorageShardFor(absl::StrCat("course-", i), kShards).value();
    ASSERT_GE(shard, 0);
    ASSERT_LT(shard, kShards);
    used.insert(shard);
  }
  EXPECT_EQ(used.size(), static_cast<size_t>(kShards));
}

TEST(StorageShardFor, RefusesNoShardsAndAnEmptyCourse) {
  EXPECT_EQ(StorageShardFor("eecs598-w24", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StorageShardFor("eecs598-w24", -3).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StorageShardFor("", 2).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StorageShardAddress, PutsTheShardNumberInThePodName) {
  EXPECT_EQ(StorageShardAddress(
                "storage-{shard}.storage.handin.svc.cluster.local:50053", 2)
                .value(),
            "storage-2.storage.handin.svc.cluster.local:50053");
  EXPECT_EQ(StorageShardAddress("s{shard}-{shard}:1", 13).value(), "s13-13:1");
}

TEST(StorageShardAddress, LeavesATemplateWithoutPlaceholderAlone) {
  EXPECT_EQ(StorageShardAddress("storage:50053", 0).value(), "storage:50053");
}

TEST(StorageShardAddress, RefusesANegativeShardAndAnEmptyTemplate) {
  EXPECT_EQ(StorageShardAddress("storage-{shard}:50053", -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StorageShardAddress("", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(StorageAddressForCourse, CombinesTheRuleAndTheTemplate) {
  EXPECT_EQ(
      StorageAddressForCourse("storage-{shard}.storage:50053", "eecs598-w24", 3)
          .value(),
      "storage-2.storage:50053");
  EXPECT_EQ(
      StorageAddressForCourse("storage-{shard}.storage:50053", "eecs598-w24", 0)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handin
