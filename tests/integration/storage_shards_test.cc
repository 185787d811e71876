// Storage shards across real processes (docs/deploy.md, "Storage shards"):
// with two handin-storage processes, intake, grading and deadline send each
// course's records to the shard StorageShardFor names, and nothing to the
// other.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "common/shard_routing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "tests/integration/cluster.h"

namespace handin::testing {
namespace {

constexpr char kCourse[] = "eecs598-w24";

// The name of shard `shard` in the cluster.
std::string ShardName(int shard) {
  return shard == 0 ? "storage" : absl::StrCat("storage", shard);
}

// A course id (not the reference course) that StorageShardFor puts on
// `shard` of 2.
std::string CourseOnShard(int shard) {
  for (int i = 0;; ++i) {
    const std::string course = absl::StrCat("eecs", 100 + i, "-f24");
    if (StorageShardFor(course, 2).value() == shard) return course;
  }
}

class StorageShardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster({.storage_shards = 2});
    start_status_ = new absl::Status(cluster_->Start());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete start_status_;
  }
  void SetUp() override { ASSERT_TRUE(start_status_->ok()) << *start_status_; }

  // What storage shard `shard` holds for `course`: its submissions and
  // refused attempts, asked as intake (whose service token storage admits).
  static std::pair<int, int> Held(int shard, const std::string& course) {
    auto storage = storage::v1::StorageService::NewStub(
        cluster_->Channel(ShardName(shard), cluster_->ServiceToken("intake")));
    storage::v1::ListSubmissionsRequest list;
    list.set_course_id(course);
    storage::v1::ListSubmissionsResponse submissions;
    grpc::ClientContext list_context;
    const grpc::Status listed =
        storage->ListSubmissions(&list_context, list, &submissions);
    EXPECT_TRUE(listed.ok())
        << ShardName(shard) << ": " << listed.error_message();
    storage::v1::ListRefusalsRequest refusals_request;
    refusals_request.set_course_id(course);
    storage::v1::ListRefusalsResponse refusals;
    grpc::ClientContext refusals_context;
    const grpc::Status refused =
        storage->ListRefusals(&refusals_context, refusals_request, &refusals);
    EXPECT_TRUE(refused.ok())
        << ShardName(shard) << ": " << refused.error_message();
    return {submissions.submissions_size(), refusals.attempts_size()};
  }

  // The scores and extensions storage shard `shard` holds for `course`,
  // asked as the services storage admits to each: grading and deadline.
  static std::pair<int, int> GradesHeld(int shard, const std::string& course) {
    auto storage = storage::v1::StorageService::NewStub(
        cluster_->Channel(ShardName(shard), cluster_->ServiceToken("grading")));
    auto deadline_storage =
        storage::v1::StorageService::NewStub(cluster_->Channel(
            ShardName(shard), cluster_->ServiceToken("deadline")));
    storage::v1::ListScoresRequest scores_request;
    scores_request.set_course_id(course);
    storage::v1::ListScoresResponse scores;
    grpc::ClientContext scores_context;
    const grpc::Status scored =
        storage->ListScores(&scores_context, scores_request, &scores);
    EXPECT_TRUE(scored.ok())
        << ShardName(shard) << ": " << scored.error_message();
    storage::v1::ListExtensionsRequest extensions_request;
    extensions_request.set_course_id(course);
    storage::v1::ListExtensionsResponse extensions;
    grpc::ClientContext extensions_context;
    const grpc::Status listed = deadline_storage->ListExtensions(
        &extensions_context, extensions_request, &extensions);
    EXPECT_TRUE(listed.ok())
        << ShardName(shard) << ": " << listed.error_message();
    return {scores.scores_size(), extensions.extensions_size()};
  }

  static Cluster* cluster_;
  static absl::Status* start_status_;
};

Cluster* StorageShardsTest::cluster_ = nullptr;
absl::Status* StorageShardsTest::start_status_ = nullptr;

TEST_F(StorageShardsTest, AnUploadIsStoredOnItsCoursesShardOnly) {
  // docs/deploy.md pins the reference course to shard 1 of 2.
  ASSERT_EQ(StorageShardFor(kCourse, 2).value(), 1);
  intake::v1::UploadResponse response;
  const grpc::Status uploaded = UploadDirect(
      *cluster_, "ari", "project-report", PdfBytes(1), "shard-key", &response);
  ASSERT_TRUE(uploaded.ok()) << uploaded.error_message();
  EXPECT_EQ(Held(1, kCourse), std::make_pair(1, 0));
  EXPECT_EQ(Held(0, kCourse), std::make_pair(0, 0));
}

TEST_F(StorageShardsTest, GradingAndDeadlineUseTheCoursesShard) {
  intake::v1::UploadResponse uploaded;
  const grpc::Status upload =
      UploadDirect(*cluster_, "ari", "project-report", PdfBytes(2),
                   "grading-shard-key", &uploaded);
  ASSERT_TRUE(upload.ok()) << upload.error_message();
  auto grading = grading::v1::GradingService::NewStub(
      cluster_->Channel("grading", cluster_->Token(Role::kGrader, "amberljc")));
  {
    grading::v1::ListSubmissionsRequest request;
    request.set_course_id(kCourse);
    request.set_item_id("project-report");
    grading::v1::ListSubmissionsResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        grading->ListSubmissions(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> ids;
    for (const auto& submission : response.submissions()) {
      ids.push_back(submission.submission_id());
    }
    EXPECT_THAT(ids, ::testing::Contains(uploaded.submission().submission_id()))
        << "grading lists the submissions of the course's shard";
  }
  const std::pair<int, int> before = GradesHeld(1, kCourse);
  {
    grading::v1::RecordScoreRequest request;
    request.set_course_id(kCourse);
    request.set_item_id("project-report");
    request.set_principal(uploaded.submission().principal());
    request.set_points(8);
    request.set_max_points(10);
    grading::v1::RecordScoreResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        grading->RecordScore(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    deadline::v1::GrantExtensionRequest request;
    request.set_course_id(kCourse);
    request.set_item_id("project-report");
    request.set_principal(uploaded.submission().principal());
    *request.mutable_due_at() = ToProtoTimestamp(absl::Now() + absl::Hours(24));
    request.set_reason("illness, documented");
    deadline::v1::GrantExtensionResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        deadline::v1::DeadlineService::NewStub(
            cluster_->Channel("deadline",
                              cluster_->Token(Role::kInstructor, "mosharaf")))
            ->GrantExtension(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(GradesHeld(1, kCourse),
            std::make_pair(before.first + 1, before.second + 1));
  EXPECT_EQ(GradesHeld(0, kCourse), std::make_pair(0, 0));
}

TEST_F(StorageShardsTest, EachCoursesRefusalsAreRecordedOnItsShard) {
  // deadline serves only the reference course, so an upload to any other
  // is refused NOT_FOUND, and intake records the refusal with the shard
  // that keeps that course.
  for (int shard : {0, 1}) {
    const std::string course = CourseOnShard(shard);
    auto intake = intake::v1::IntakeService::NewStub(cluster_->Channel(
        "intake", cluster_->Token(Role::kStudent, "ari", course)));
    grpc::ClientContext context;
    intake::v1::UploadResponse response;
    auto writer = intake->Upload(&context, &response);
    intake::v1::UploadRequest metadata;
    metadata.mutable_metadata()->set_course_id(course);
    metadata.mutable_metadata()->set_item_id("project-report");
    metadata.mutable_metadata()->set_file_name("report.pdf");
    metadata.mutable_metadata()->set_size_bytes(1);
    metadata.mutable_metadata()->set_sha256_hex(std::string(64, 'a'));
    writer->Write(metadata);
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
        << course << ": " << status.error_message();
    EXPECT_EQ(Held(shard, course), std::make_pair(0, 1)) << course;
    EXPECT_EQ(Held(1 - shard, course), std::make_pair(0, 0)) << course;
  }
}

}  // namespace
}  // namespace handin::testing
