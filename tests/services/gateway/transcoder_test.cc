// JSON to and from gRPC messages by descriptor, against the real handin
// protos in the generated pool.
#include "services/gateway/transcoder.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "handin/deadline/v1/deadline_service.pb.h"
#include "handin/grading/v1/grading_service.pb.h"

namespace handin::gateway {
namespace {

using ::testing::HasSubstr;

class TranscoderTest : public ::testing::Test {
 protected:
  const google::protobuf::MethodDescriptor& Method(const char* name) {
    auto method = transcoder_.FindMethod(name);
    EXPECT_TRUE(method.ok()) << method.status();
    return **method;
  }

  Transcoder transcoder_{*google::protobuf::DescriptorPool::generated_pool()};
};

TEST_F(TranscoderTest, FindsMethodsWithOrWithoutTheLeadingSlash) {
  // Linked in by this test's includes.
  deadline::v1::GrantExtensionRequest::descriptor();
  grading::v1::ListSubmissionsRequest::descriptor();
  EXPECT_EQ(
      Method("/handin.deadline.v1.DeadlineService/GrantExtension").input_type(),
      deadline::v1::GrantExtensionRequest::descriptor());
  EXPECT_EQ(
      Method("handin.grading.v1.GradingService/ListSubmissions").output_type(),
      grading::v1::ListSubmissionsResponse::descriptor());
}

TEST_F(TranscoderTest, UnknownServiceOrMethodIsNotFound) {
  for (const char* name : {"/handin.grading.v1.GradingService/DropTable",
                           "/no.such.Service/ListItems", "ListItems", ""}) {
    auto method = transcoder_.FindMethod(name);
    EXPECT_EQ(method.status().code(), absl::StatusCode::kNotFound) << name;
  }
}

TEST_F(TranscoderTest, RequestJsonBecomesTheWireMessage) {
  const auto& grant =
      Method("/handin.deadline.v1.DeadlineService/GrantExtension");
  // lowerCamelCase and original names both work; Timestamps are RFC 3339.
  auto bytes = transcoder_.RequestFromJson(grant, R"({
      "courseId": "eecs598-w24", "item_id": "project-report",
      "principal": "ari", "dueAt": "2024-05-03T22:00:00Z",
      "reason": "illness", "actingUser": "prof"})");
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  deadline::v1::GrantExtensionRequest request;
  ASSERT_TRUE(request.ParseFromString(*bytes));
  EXPECT_EQ(request.course_id(), "eecs598-w24");
  EXPECT_EQ(request.item_id(), "project-report");
  EXPECT_EQ(request.principal(), "ari");
  EXPECT_EQ(request.reason(), "illness");
  EXPECT_EQ(request.acting_user(), "prof");
  EXPECT_EQ(google::protobuf::util::TimeUtil::ToString(request.due_at()),
            "2024-05-03T22:00:00Z");
}

TEST_F(TranscoderTest, EmptyBodyIsTheEmptyRequest) {
  const auto& list = Method("/handin.deadline.v1.DeadlineService/ListItems");
  for (const char* body : {"", "  \n", "{}"}) {
    auto bytes = transcoder_.RequestFromJson(list, body);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    EXPECT_EQ(*bytes, "");
  }
}

TEST_F(TranscoderTest, BadRequestJsonIsInvalidArgumentNamingTheMessage) {
  const auto& list =
      Method("/handin.grading.v1.GradingService/ListSubmissions");
  for (const char* body :
       {R"({"courseId": "eecs598-w24", "itemIdd": "x"})",  // unknown field
        R"({"courseId": 7})",                              // wrong type
        R"({"courseId": "eecs598-w24")",                   // not JSON
        R"(["eecs598-w24"])"}) {
    auto bytes = transcoder_.RequestFromJson(list, body);
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument)
        << body;
    EXPECT_THAT(bytes.status().message(),
                HasSubstr("handin.grading.v1.ListSubmissionsRequest"));
  }
}

TEST_F(TranscoderTest, ResponseJsonUsesTheProtoJsonMappingWithDefaults) {
  const auto& list =
      Method("/handin.grading.v1.GradingService/ListSubmissions");
  grading::v1::ListSubmissionsResponse response;
  common::v1::SubmissionRecord& record = *response.add_submissions();
  record.set_submission_id("20240501T215959.000001Z");
  record.set_size_bytes(5000000000);  // int64: a string in JSON
  record.mutable_verdict()->set_kind(common::v1::VERDICT_KIND_LATE_COUNTED);
  *record.mutable_started_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(1714600799);
  auto json = transcoder_.ResponseToJson(list, response.SerializeAsString());
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr(R"("submissionId":"20240501T215959.000001Z")"));
  EXPECT_THAT(*json, HasSubstr(R"("sizeBytes":"5000000000")"));
  EXPECT_THAT(*json, HasSubstr(R"("kind":"VERDICT_KIND_LATE_COUNTED")"));
  EXPECT_THAT(*json, HasSubstr(R"("startedAt":"2024-05-01T21:59:59Z")"));
  // Defaults are printed: an empty list and a zero are there, not absent.
  EXPECT_THAT(*json, HasSubstr(R"("refused":[])"));
  EXPECT_THAT(*json, HasSubstr(R"("auditSequence":"0")"));
}

TEST_F(TranscoderTest, ResponseBytesOfAnotherShapeAreInternal) {
  const auto& list =
      Method("/handin.grading.v1.GradingService/ListSubmissions");
  auto json = transcoder_.ResponseToJson(list, "\xff\xff\xff");
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace handin::gateway
