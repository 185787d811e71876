// Extensions across real processes: an instructor grants one through the
// deadline service (mutual TLS), deadline keeps it in storage, and intake's
// verdict for the student's upload honours it.
#include <fstream>

#include "absl/time/clock.h"
#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "tests/integration/cluster.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;

// Summaries are "late and not counted"; leah is in the Mar 19 summary group.
constexpr char kItem[] = "summary/2024-03-19";
constexpr char kStudent[] = "leah";

class ExtensionEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
    std::ofstream(dir_.File("summary.pdf"), std::ios::binary) << PdfBytes(2);
  }

  CommandResult Submit() {
    return RunCommand(
        {Cluster::Binary("handin"), "submit", "--yes", "--item", kItem,
         dir_.File("summary.pdf")},
        {"HANDIN_SERVER=" + cluster_.TlsAddress("intake"),
         "HANDIN_CA=" + cluster_.CaFile(),
         "HANDIN_TOKEN=" + cluster_.Token(Role::kStudent, kStudent),
         "HANDIN_COURSE=eecs598-w24", "HANDIN_RECEIPT_DIR=" + dir_.path()});
  }

  // Grants leah an extension as `subject`, with a token of theirs in `role`.
  grpc::Status Grant(Role role, const std::string& subject) {
    handin::deadline::v1::GrantExtensionRequest request;
    request.set_course_id("eecs598-w24");
    request.set_item_id(kItem);
    request.set_principal(kStudent);
    *request.mutable_due_at() = ToProtoTimestamp(absl::Now() + absl::Hours(24));
    request.set_reason("illness, documented");
    handin::deadline::v1::GrantExtensionResponse response;
    grpc::ClientContext context;
    return handin::deadline::v1::DeadlineService::NewStub(
               cluster_.Channel("deadline", cluster_.Token(role, subject)))
        ->GrantExtension(&context, request, &response);
  }

  Cluster cluster_;
  TempDir dir_;
};

TEST_F(ExtensionEndToEndTest, AnInstructorsExtensionMakesALateSummaryCount) {
  CommandResult before = Submit();
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(before.out, HasSubstr("not counted"));

  grpc::Status granted = Grant(Role::kInstructor, "mosharaf");
  ASSERT_TRUE(granted.ok()) << granted.error_message();

  CommandResult after = Submit();
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, HasSubstr("on time"));
  EXPECT_THAT(after.out, HasSubstr("illness, documented"));
}

TEST_F(ExtensionEndToEndTest, AGraderCannotGrantOne) {
  grpc::Status granted = Grant(Role::kGrader, "amberljc");
  EXPECT_EQ(granted.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(granted.error_message(), HasSubstr("(it is for: instructor)"));
  // Nor with an instructor's token made out to a grader of the roster.
  granted = Grant(Role::kInstructor, "amberljc");
  EXPECT_EQ(granted.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(granted.error_message(), HasSubstr("amberljc is a grader"));
  CommandResult after = Submit();
  EXPECT_THAT(after.out, HasSubstr("not counted"));
}

}  // namespace
}  // namespace handin::testing
