// The deadline service reading a student's stored submissions: late days
// spent on one item limit another, and ChooseCounted picks the graded
// version per student or group. Real storage on a temporary RocksDB.

#include <memory>
#include <string>

#include "common/proto_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/policy_loader.h"
#include "tests/services/deadline/storage_fixture.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VerdictKind;
using ::handin::deadline::testing::Utc;
using ::testing::HasSubstr;

// A budget of 3 late days; hw1 and hw2 spend them. The project is owed by
// the project group "team" (ann, bob); cat works alone.
// clang-format off
constexpr char kPolicy[] = R"policy(course_id: "c1"
time_zone: "America/Detroit"
roster { students { user_id: "ann" } students { user_id: "bob" } students { user_id: "cat" } }
groups { group_id: "team" kind: GROUP_KIND_PROJECT member_ids: ["ann", "bob"] }
groups { group_id: "solo" kind: GROUP_KIND_PROJECT member_ids: ["cat"] }
late_days { days: 3 }
item_defaults { late { late_days {} } }
items { item_id: "hw1" audience: AUDIENCE_EVERY_STUDENT due_at { local_time: "2024-03-20 12:00" } }
items { item_id: "hw2" audience: AUDIENCE_EVERY_STUDENT due_at { local_time: "2024-03-27 12:00" } }
items {
  item_id: "project" audience: AUDIENCE_EACH_PROJECT_GROUP
  due_at { local_time: "2024-04-10 12:00" }
  counted_version: COUNTED_VERSION_LATEST_ON_TIME
}
)policy";
// clang-format on

const absl::Time kHw1Due = Utc(2024, 3, 20, 16, 0);
const absl::Time kHw2Due = Utc(2024, 3, 27, 16, 0);

class SubmissionServiceTest : public testing::StorageBackedDeadlineTest {
 protected:
  SubmissionServiceTest() : StorageBackedDeadlineTest(kHw2Due) {}

  std::unique_ptr<Course> MakeCourse() override {
    auto course = LoadCourseFromString(kPolicy, "c1.textproto");
    EXPECT_TRUE(course.ok()) << course.status();
    return course.ok() ? *std::move(course) : nullptr;
  }

  // Stores an empty submission of `item` by `principal` with the verdict
  // given, as intake would after judging it; returns its record.
  SubmissionRecord Store(const std::string& principal, const std::string& item,
                         VerdictKind kind,
                         absl::Duration lateness = absl::ZeroDuration()) {
    SubmissionRecord record;
    record.set_course_id("c1");
    record.set_item_id(item);
    record.set_principal(principal);
    record.set_file_name("work.pdf");
    record.set_sha256_hex(Sha256::Of(""));
    *record.mutable_started_at() = ToProtoTimestamp(clock_.Now());
    *record.mutable_completed_at() = ToProtoTimestamp(clock_.Now());
    record.mutable_verdict()->set_kind(kind);
    *record.mutable_verdict()->mutable_lateness() = ToProtoDuration(lateness);

    grpc::ClientContext context;
    storage::v1::PutSubmissionResponse response;
    auto stream = storage_stub_->PutSubmission(&context, &response);
    storage::v1::PutSubmissionRequest header;
    header.mutable_header()->set_course_id("c1");
    EXPECT_TRUE(stream->Write(header));
    storage::v1::PutSubmissionRequest commit;
    *commit.mutable_commit()->mutable_record() = record;
    EXPECT_TRUE(stream->Write(commit));
    stream->WritesDone();
    const grpc::Status status = stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    clock_.Advance(absl::Seconds(1));  // Distinct, ordered submission ids.
    return response.record();
  }

  handin::common::v1::Verdict Evaluate(const std::string& item,
                                       absl::Time started) {
    v1::EvaluateRequest request;
    request.set_course_id("c1");
    request.set_principal("ann");
    request.set_item_id(item);
    *request.mutable_started_at() = ToProtoTimestamp(started);
    v1::EvaluateResponse response;
    grpc::ClientContext context;
    const grpc::Status status = stub_->Evaluate(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.verdict();
  }
};

TEST_F(SubmissionServiceTest, DaysSpentOnOneItemLimitAnother) {
  // Nothing stored yet: 2 days late on hw2 fit the budget of 3.
  EXPECT_EQ(Evaluate("hw2", kHw2Due + absl::Hours(30)).kind(),
            VERDICT_KIND_LATE_COUNTED);

  Store("ann", "hw1", VERDICT_KIND_LATE_COUNTED, absl::Hours(30));
  Store("bob", "hw1", VERDICT_KIND_LATE_COUNTED, absl::Hours(70));
  const handin::common::v1::Verdict verdict =
      Evaluate("hw2", kHw2Due + absl::Hours(30));
  EXPECT_EQ(verdict.kind(), VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_THAT(verdict.reason(),
              HasSubstr("needs 2 late days but only 1 of 3 are left"));
  // Re-uploading hw1 replaces its own charge instead of adding to it.
  EXPECT_EQ(Evaluate("hw1", kHw1Due + absl::Hours(70)).kind(),
            VERDICT_KIND_LATE_COUNTED);
  // On time needs no days and reads nothing.
  EXPECT_EQ(Evaluate("hw2", kHw2Due).kind(), VERDICT_KIND_ON_TIME);
}

TEST_F(SubmissionServiceTest, ListDeadlinesReportsTheBudget) {
  Store("ann", "hw1", VERDICT_KIND_LATE_COUNTED, absl::Hours(30));
  v1::ListDeadlinesRequest request;
  request.set_course_id("c1");
  request.set_principal("ann");
  v1::ListDeadlinesResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ListDeadlines(&context, request, &response).ok());
  EXPECT_EQ(response.late_days_budget(), 3);
  EXPECT_EQ(response.late_days_spent(), 2);
}

TEST_F(SubmissionServiceTest, ChooseCountedPicksOnePerGroupUnderTheItemsRule) {
  v1::ChooseCountedRequest request;
  request.set_course_id("c1");
  request.set_item_id("project");
  *request.add_submissions() = Store("ann", "project", VERDICT_KIND_ON_TIME);
  *request.add_submissions() = Store("bob", "project", VERDICT_KIND_ON_TIME);
  *request.add_submissions() =
      Store("ann", "project", VERDICT_KIND_LATE_COUNTED, absl::Hours(1));
  *request.add_submissions() =
      Store("cat", "project", VERDICT_KIND_LATE_NOT_COUNTED, absl::Hours(1));

  v1::ChooseCountedResponse response;
  grpc::ClientContext context;
  const grpc::Status status =
      stub_->ChooseCounted(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.counted_version(), v1::COUNTED_VERSION_LATEST_ON_TIME);
  // The team's last on-time version is bob's; cat's only one is not counted.
  ASSERT_EQ(response.counted_size(), 1);
  EXPECT_EQ(response.counted(0).unit(), "team");
  EXPECT_EQ(response.counted(0).submission_id(),
            request.submissions(1).submission_id());
}

TEST_F(SubmissionServiceTest, ChooseCountedRefusesAnotherItemsSubmission) {
  v1::ChooseCountedRequest request;
  request.set_course_id("c1");
  request.set_item_id("project");
  *request.add_submissions() = Store("ann", "hw1", VERDICT_KIND_ON_TIME);
  v1::ChooseCountedResponse response;
  grpc::ClientContext context;
  const grpc::Status status =
      stub_->ChooseCounted(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("not of c1 project"));

  request.set_item_id("nope");
  grpc::ClientContext unknown;
  EXPECT_EQ(stub_->ChooseCounted(&unknown, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace handin::deadline
