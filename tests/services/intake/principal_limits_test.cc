// Per-student limits, on their own (with a fake clock) and through the
// real intake service: a student's extra open upload, and a student who
// keeps making refused attempts, are turned away RESOURCE_EXHAUSTED while
// other students go on.

#include "services/intake/principal_limits.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/services/intake/upload_messages.h"
#include "tests/testing/fake_clock.h"

namespace handin::testing {
namespace {

using ::handin::intake::PrincipalLimits;
using ::testing::HasSubstr;

TEST(PrincipalLimitsTest, CountsOpenUploadsPerStudent) {
  FakeClock clock(absl::FromUnixSeconds(1710000000));
  PrincipalLimits limits({.max_open_uploads = 2}, clock);
  EXPECT_TRUE(limits.Admit("ann").ok());
  EXPECT_TRUE(limits.Admit("ann").ok());
  const absl::Status third = limits.Admit("ann");
  EXPECT_EQ(third.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(third.message(),
            "you have 2 uploads in progress; at most 2 at once: wait for one "
            "to finish");
  EXPECT_TRUE(limits.Admit("ben").ok()) << "another student is not limited";
  limits.Release("ann");
  EXPECT_TRUE(limits.Admit("ann").ok());
}

TEST(PrincipalLimitsTest, RefusalsInTheLastMinuteTurnNewUploadsAway) {
  FakeClock clock(absl::FromUnixSeconds(1710000000));
  PrincipalLimits limits({.max_refusals_per_minute = 3}, clock);
  for (int i = 0; i < 3; ++i) {
    limits.NoteRefusal("ann");
    clock.Advance(absl::Seconds(10));
  }
  // The oldest refusal leaves the minute 30 s from now.
  const absl::Status status = limits.Admit("ann");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("3 of your uploads were refused in the last minute"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("try again in 30s"));
  EXPECT_TRUE(limits.Admit("ben").ok());
  clock.Advance(absl::Seconds(30));
  EXPECT_TRUE(limits.Admit("ann").ok());
}

class IntakePrincipalLimitsTest : public ::testing::Test {
 protected:
  IntakePrincipalLimitsTest() : harness_(Options()) {}

  static intake::IntakeOptions Options() {
    intake::IntakeOptions options;
    options.max_open_uploads_per_student = 1;
    options.max_refusals_per_minute = 2;
    return options;
  }

  void SetUp() override {
    const absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  IntakeHarness harness_;
};

TEST_F(IntakePrincipalLimitsTest, ASecondOpenUploadOfOneStudentIsRefused) {
  const std::string content(1000, 'x');
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  intake::v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto open = stub->Upload(&context, &response);
  ASSERT_TRUE(open->Write(Metadata(content, kItem, "first")));
  ASSERT_TRUE(open->Write(Chunk(0, content.substr(0, 500))));
  ASSERT_TRUE(harness_.storage().WaitForBytes(500, absl::Seconds(10)));

  const UploadResult second = SendUpload(
      harness_,
      {Metadata(content, kItem, "second"), Chunk(0, content), Finish()},
      "alice");
  EXPECT_EQ(second.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(second.status.error_message(), HasSubstr("at most 1 at once"));
  const UploadResult other = SendUpload(
      harness_, {Metadata(content, kItem, "bob"), Chunk(0, content), Finish()},
      "bob");
  EXPECT_TRUE(other.status.ok()) << other.status.error_message();

  ASSERT_TRUE(open->Write(Chunk(500, content.substr(500))));
  ASSERT_TRUE(open->Write(Finish()));
  open->WritesDone();
  ASSERT_TRUE(open->Finish().ok());
  const UploadResult after = SendUpload(
      harness_,
      {Metadata(content, kItem, "third"), Chunk(0, content), Finish()},
      "alice");
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
}

TEST_F(IntakePrincipalLimitsTest, RepeatedRefusalsPauseTheStudent) {
  const std::string content(1000, 'x');
  for (const char* key : {"bad-1", "bad-2"}) {
    const UploadResult refused =
        SendUpload(harness_,
                   {Metadata(content, kItem, key),
                    Chunk(0, std::string(1000, 'y')), Finish()},
                   "alice");
    ASSERT_EQ(refused.status.error_code(), grpc::StatusCode::DATA_LOSS)
        << refused.status.error_message();
  }
  const UploadResult paused = SendUpload(
      harness_, {Metadata(content, kItem, "good"), Chunk(0, content), Finish()},
      "alice");
  EXPECT_EQ(paused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(paused.status.error_message(),
              HasSubstr("refused in the last minute"));
  EXPECT_EQ(harness_.storage().refusals().size(), 2u)
      << "the pause itself is not a recorded attempt";

  harness_.clock().Advance(absl::Minutes(1));
  const UploadResult resumed = SendUpload(
      harness_, {Metadata(content, kItem, "good"), Chunk(0, content), Finish()},
      "alice");
  EXPECT_TRUE(resumed.status.ok()) << resumed.status.error_message();
}

}  // namespace
}  // namespace handin::testing
