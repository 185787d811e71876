#include "common/storage_shards.h"

#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace handin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// `count` stubs to distinct (unused) addresses; only their identity matters.
std::vector<std::unique_ptr<StorageShards::Stub>> Stubs(
    int count, std::vector<void*>* ids) {
  std::vector<std::unique_ptr<StorageShards::Stub>> stubs;
  for (int i = 0; i < count; ++i) {
    stubs.push_back(storage::v1::StorageService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(1 + i),
                            grpc::InsecureChannelCredentials())));
    ids->push_back(stubs.back().get());
  }
  return stubs;
}

TEST(StorageShards, RoutesEachCourseToTheShardThatKeepsIt) {
  // docs/deploy.md and shard_routing_test pin eecs598-w24 to shard 1 of 2
  // and 2 of 3.
  std::vector<void*> two;
  const StorageShards by_two(Stubs(2, &two));
  EXPECT_EQ(&by_two.ForCourse("eecs598-w24"), two[1]);
  std::vector<void*> three;
  const StorageShards by_three(Stubs(3, &three));
  EXPECT_EQ(&by_three.ForCourse("eecs598-w24"), three[2]);
}

TEST(StorageShards, OneStorageTakesEveryCourseAndNoCourseGoesToShardZero) {
  std::vector<void*> one;
  StorageShards only(std::move(Stubs(1, &one).front()));
  EXPECT_EQ(only.size(), 1);
  EXPECT_EQ(&only.ForCourse("eecs598-w24"), one[0]);
  EXPECT_EQ(&only.ForCourse("any-other"), one[0]);
  std::vector<void*> three;
  const StorageShards by_three(Stubs(3, &three));
  EXPECT_EQ(&by_three.ForCourse(""), three[0]);
}

TEST(ParseStorageAddresses, ReadsACommaSeparatedListInShardOrder) {
  EXPECT_THAT(*ParseStorageAddresses("a:1", "storage_addr"),
              ElementsAre("a:1"));
  EXPECT_THAT(*ParseStorageAddresses(" a:1, b:2 ,c:3", "storage_addr"),
              ElementsAre("a:1", "b:2", "c:3"));
  for (const char* bad : {"", "a:1,", ",a:1", "a:1,,b:2"}) {
    absl::StatusOr<std::vector<std::string>> parsed =
        ParseStorageAddresses(bad, "storage_addr");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("--storage_addr")) << bad;
  }
}

TEST(CourseShardAddress, PicksTheAddressOfTheCoursesShard) {
  // docs/deploy.md pins eecs598-w24 to shard 1 of 2 and 2 of 3.
  EXPECT_EQ(*CourseShardAddress("a:1,b:2", "storage_addr", "eecs598-w24"),
            "b:2");
  EXPECT_EQ(*CourseShardAddress("a:1,b:2,c:3", "storage_addr", "eecs598-w24"),
            "c:3");
  EXPECT_EQ(*CourseShardAddress("a:1", "storage_addr", "eecs598-w24"), "a:1");
  EXPECT_EQ(
      CourseShardAddress("a:1,", "storage_addr", "eecs598-w24").status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CourseShardAddress("a:1,b:2", "storage_addr", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace handin
