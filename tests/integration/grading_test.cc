// Which version counts, across real processes: students of one presenting
// group upload their deck several times through intake, and grading lists
// the item's submissions with the one graded for the group (the deadline
// service's ChooseCounted under the item's counted_version).
#include <fstream>
#include <string>

#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "tests/integration/cluster.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;

// Late decks are accepted and flagged, so every upload today counts; the
// latest is graded (the reference course's default).
constexpr char kItem[] = "slides/2024-03-19";
constexpr char kGroup[] = "jiaheng-jeremy-zhenning";

class GradingEndToEndTest : public ::testing::Test {
protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Uploads a deck as `student` with the CLI; returns the receipt it
  // printed.
  std::string Submit(const std::string &student, int pages) {
    const std::string file = dir_.File(student + ".pdf");
    std::ofstream(file, std::ios::binary) << PdfBytes(pages);
    CommandResult run =
        RunCommand({Cluster::Binary("handin"), "submit", "--yes", "--item",
                    kItem, file, "--receipt-dir", dir_.path()},
                   {"HANDIN_SERVER=" + cluster_.TlsAddress("intake"),
                    "HANDIN_CA=" + cluster_.CaFile(),
                    "HANDIN_TOKEN=" + cluster_.Token(Role::kStudent, student),
                    "HANDIN_COURSE=eecs598-w24"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.out;
  }

  Cluster cluster_;
  TempDir dir_;
};

TEST_F(GradingEndToEndTest, TheGroupsLatestUploadIsTheOneGraded) {
  Submit("jiaheng", 1);
  Submit("jiaheng", 2);
  const std::string receipt = Submit("jeremy", 3);
  // ari does not present on Mar 19: refused (the client would not even
  // try), recorded, listed for staff.
  intake::v1::UploadResponse refused;
  EXPECT_EQ(
      UploadDirect(cluster_, "ari", kItem, "not my deck", "g-key", &refused)
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);

  auto grading = handin::grading::v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
  handin::grading::v1::ListSubmissionsRequest request;
  request.set_course_id("eecs598-w24");
  request.set_item_id(kItem);
  handin::grading::v1::ListSubmissionsResponse response;
  grpc::ClientContext context;
  const grpc::Status status =
      grading->ListSubmissions(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.submissions_size(), 3);
  EXPECT_EQ(response.counted_version(),
            handin::deadline::v1::COUNTED_VERSION_LATEST);
  ASSERT_EQ(response.counted_size(), 1);
  EXPECT_EQ(response.counted(0).unit(), kGroup);
  const std::string &counted = response.counted(0).submission_id();
  EXPECT_EQ(counted, response.submissions(2).submission_id());
  EXPECT_EQ(response.submissions(2).principal(), "jeremy");
  EXPECT_THAT(receipt, HasSubstr(counted));
  ASSERT_EQ(response.refused_size(), 1);
  EXPECT_EQ(response.refused(0).principal(), "ari");
  EXPECT_THAT(response.refused(0).reason(), HasSubstr("is owed by"));
}

TEST_F(GradingEndToEndTest, AnUnknownItemIsNotFound) {
  auto grading = handin::grading::v1::GradingService::NewStub(
      cluster_.Channel("grading", cluster_.Token(Role::kGrader, "amberljc")));
  handin::grading::v1::ListSubmissionsRequest request;
  request.set_course_id("eecs598-w24");
  request.set_item_id("slides/1999-01-01");
  handin::grading::v1::ListSubmissionsResponse response;
  grpc::ClientContext context;
  const grpc::Status status =
      grading->ListSubmissions(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("slides/1999-01-01"));
}

} // namespace
} // namespace handin::testing
