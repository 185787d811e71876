#include "services/storage/refusal_store.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/submission_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::RefusedAttempt;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::SizeIs;

constexpr char kCourse[] = "eecs598-w24";

RefusedAttempt Attempt(const std::string& principal, const std::string& item,
                       const std::string& reason) {
  RefusedAttempt attempt;
  attempt.set_course_id(kCourse);
  attempt.set_item_id(item);
  attempt.set_principal(principal);
  attempt.set_file_name("report.pdf");
  attempt.set_declared_size_bytes(1000);
  attempt.set_declared_sha256_hex(std::string(64, 'a'));
  attempt.set_bytes_received(400);
  attempt.mutable_started_at()->set_seconds(1714600000);
  attempt.mutable_refused_at()->set_seconds(1714600005);
  attempt.set_code("DATA_LOSS");
  attempt.set_reason(reason);
  return attempt;
}

class RefusalStoreTest : public ::testing::Test {
 protected:
  RefusalStoreTest() { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  std::vector<RefusedAttempt> List(const std::string& item,
                                   const std::string& principal) {
    auto listed = store_->refusals().List(kCourse, item, principal);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *listed : std::vector<RefusedAttempt>();
  }

  handin::testing::TempDir dir_;
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600800)};
  std::unique_ptr<SubmissionStore> store_;
};

TEST_F(RefusalStoreTest, RecordKeepsEveryFactAndAssignsAnId) {
  auto stored = store_->refusals().Record(Attempt("ann", "report", "short"));
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->attempt_id(), "20240501T220000.000000Z");
  const std::vector<RefusedAttempt> listed = List("", "ann");
  ASSERT_THAT(listed, SizeIs(1));
  EXPECT_EQ(listed[0].attempt_id(), stored->attempt_id());
  EXPECT_EQ(listed[0].reason(), "short");
  EXPECT_EQ(listed[0].code(), "DATA_LOSS");
  EXPECT_EQ(listed[0].bytes_received(), 400);
  EXPECT_EQ(listed[0].declared_size_bytes(), 1000);
  EXPECT_EQ(listed[0].refused_at().seconds(), 1714600005);
  // A refusal is not a submission.
  EXPECT_THAT(*store_->List(kCourse, "", ""), IsEmpty());
}

TEST_F(RefusalStoreTest, ListFiltersByItemAndPrincipalOldestFirst) {
  for (const auto& [who, item] :
       {std::pair<const char*, const char*>{"ann", "report"},
        {"bob", "report"},
        {"ann", "slides/2024-03-19"},
        {"an", "report"}}) {
    ASSERT_TRUE(store_->refusals().Record(Attempt(who, item, "x")).ok());
  }
  EXPECT_THAT(List("", ""), SizeIs(4));
  EXPECT_THAT(
      List("", "ann"),
      ElementsAre(Property(&RefusedAttempt::item_id, "report"),
                  Property(&RefusedAttempt::item_id, "slides/2024-03-19")));
  EXPECT_THAT(List("report", ""), SizeIs(3));
  EXPECT_THAT(List("report", "bob"),
              ElementsAre(Property(&RefusedAttempt::principal, "bob")));
  EXPECT_THAT(List("report", "carol"), IsEmpty());
}

TEST_F(RefusalStoreTest, MalformedAttemptsAreInvalidArgument) {
  RefusedAttempt with_id = Attempt("ann", "report", "x");
  with_id.set_attempt_id("mine");
  EXPECT_THAT(store_->refusals().Record(with_id).status().message(),
              HasSubstr("attempt_id"));
  EXPECT_EQ(
      store_->refusals().Record(Attempt("", "report", "x")).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      store_->refusals().Record(Attempt("ann", "report", "")).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->refusals().List("", "", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(List("", ""), IsEmpty());
}

TEST_F(RefusalStoreTest, RefusalsSurviveAReopenAndIdsKeepIncreasing) {
  auto first = store_->refusals().Record(Attempt("ann", "report", "a"));
  ASSERT_TRUE(first.ok());
  Reopen();
  clock_.Advance(-absl::Hours(1));  // The clock went back: ids still grow.
  auto second = store_->refusals().Record(Attempt("ann", "report", "b"));
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second->attempt_id(), first->attempt_id());
  EXPECT_THAT(List("", "ann"), SizeIs(2));
}

}  // namespace
}  // namespace handin::storage
