// The real DeadlineServiceImpl served in-process on 127.0.0.1:0 and called
// through the generated stub, with the reference course loaded.

#include "services/deadline/deadline_service.h"

#include "common/proto_time.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/services/deadline/service_fixture.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::deadline::testing::DeadlineServiceTest;
using ::handin::deadline::testing::Utc;
using ::testing::HasSubstr;

v1::EvaluateRequest SlidesRequest() {
  v1::EvaluateRequest request;
  request.set_course_id("eecs598-w24");
  request.set_principal("jiaheng");
  request.set_item_id("slides/2024-03-19");
  *request.mutable_started_at() =
      ToProtoTimestamp(Utc(2024, 3, 18, 14, 41));  // 10:41 EDT
  *request.mutable_completed_at() = ToProtoTimestamp(Utc(2024, 3, 18, 14, 42));
  return request;
}

TEST_F(DeadlineServiceTest, EvaluateReturnsTheVerdictOverTheWire) {
  grpc::ClientContext context;
  v1::EvaluateResponse response;
  grpc::Status status = stub_->Evaluate(&context, SlidesRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const common::v1::Verdict& verdict = response.verdict();
  EXPECT_EQ(verdict.kind(), VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(FromProtoTimestamp(verdict.due_at()), Utc(2024, 3, 18, 14, 30));
  EXPECT_EQ(FromProtoDuration(verdict.lateness()), absl::Minutes(11));
  EXPECT_THAT(verdict.reason(), HasSubstr("11 minutes late"));
  // The policy that judged it, as `sha256sum` prints the file's digest.
  absl::StatusOr<std::string> policy =
      ReadFileToString(testing::ReferencePolicyPath());
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(response.policy_digest(), Sha256::Of(*policy));
  // What intake needs to enforce the item: its content rule and how long
  // an upload may take.
  EXPECT_THAT(response.content().media_types(),
              ::testing::Contains("application/pdf"));
  EXPECT_EQ(FromProtoDuration(response.completion_window()), absl::Minutes(30));
}

TEST_F(DeadlineServiceTest,
       EvaluateOfAnotherCourseIsNotFoundAndNamesTheServedOne) {
  v1::EvaluateRequest request = SlidesRequest();
  request.set_course_id("eecs482-w24");
  grpc::ClientContext context;
  v1::EvaluateResponse response;
  grpc::Status status = stub_->Evaluate(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("\"eecs598-w24\""));
}

TEST_F(DeadlineServiceTest, EvaluateOfAnUnknownItemIsNotFound) {
  v1::EvaluateRequest request = SlidesRequest();
  request.set_item_id("slides/2024-01-30");
  grpc::ClientContext context;
  v1::EvaluateResponse response;
  grpc::Status status = stub_->Evaluate(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("slides/2024-01-30"));
}

TEST_F(DeadlineServiceTest, EvaluateWithoutAStartInstantIsInvalid) {
  v1::EvaluateRequest request = SlidesRequest();
  request.clear_started_at();
  grpc::ClientContext context;
  v1::EvaluateResponse response;
  grpc::Status status = stub_->Evaluate(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("started_at"));
}

TEST_F(DeadlineServiceTest, ListItemsShowsAStudentsItemsInTheCourseZone) {
  v1::ListItemsRequest request;
  request.set_course_id("eecs598-w24");
  request.set_principal("jiaheng");
  grpc::ClientContext context;
  v1::ListItemsResponse response;
  grpc::Status status = stub_->ListItems(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.time_zone(), "America/Detroit");
  const v1::ItemSummary* slides = nullptr;
  const v1::ItemSummary* report = nullptr;
  for (const v1::ItemSummary& item : response.items()) {
    if (item.item_id() == "slides/2024-03-19") slides = &item;
    if (item.item_id() == "project-report") report = &item;
  }
  ASSERT_NE(slides, nullptr);
  EXPECT_EQ(slides->title(),
            "Slides: FlashAttention: Fast and Memory-Efficient Exact "
            "Attention with IO-Awareness");
  EXPECT_EQ(slides->due_local(), "2024-03-18 10:30 EDT");
  EXPECT_EQ(slides->template_id(), "slides");
  EXPECT_EQ(slides->session_id(), "2024-03-19");
  EXPECT_EQ(slides->rule(),
            "due 24 h before the Mar 19 session starts; late submissions are "
            "accepted and flagged");
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->due_local(), "2024-05-01 18:00 EDT");
  EXPECT_EQ(FromProtoTimestamp(report->due_at()), Utc(2024, 5, 1, 22, 0));
  ASSERT_GT(response.items_size(), 0);
  EXPECT_EQ(response.items(response.items_size() - 1).item_id(),
            "project-report");
}

TEST_F(DeadlineServiceTest, ListItemsForSomeoneNotOnTheRosterIsNotFound) {
  v1::ListItemsRequest request;
  request.set_course_id("eecs598-w24");
  request.set_principal("eve");
  grpc::ClientContext context;
  v1::ListItemsResponse response;
  grpc::Status status = stub_->ListItems(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("eve is not on the roster"));
}

TEST_F(DeadlineServiceTest, GetCoursePolicyReturnsTheWeightsAndWarnings) {
  v1::GetCoursePolicyRequest request;
  request.set_course_id("eecs598-w24");
  grpc::ClientContext context;
  v1::GetCoursePolicyResponse response;
  grpc::Status status = stub_->GetCoursePolicy(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  double total = 0;
  for (const v1::GradingComponent& c : response.policy().grading()) {
    total += c.weight_percent();
  }
  EXPECT_EQ(response.policy().grading_size(), 5);
  EXPECT_DOUBLE_EQ(total, 100);
  EXPECT_EQ(response.warnings_size(), 2);
}

}  // namespace
}  // namespace handin::deadline
