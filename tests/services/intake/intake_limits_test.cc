// Intake's time limits: an upload that goes quiet, or that is still sending
// past its item's completion window, ends DEADLINE_EXCEEDED with nothing
// stored and the refusal recorded. Only the outcome is asserted, never how
// long it took.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/content_upload.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/services/intake/upload_messages.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr absl::Duration kWait = absl::Seconds(10);

class IntakeLimitsTest : public ::testing::Test {
 protected:
  IntakeLimitsTest() : harness_(Options()) {}

  void SetUp() override {
    const absl::Status started = harness_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  intake::IntakeOptions Options() {
    intake::IntakeOptions options = ContentOptions(dir_.File("spool"));
    options.upload_idle_timeout = absl::Milliseconds(300);
    return options;
  }

  TempDir dir_;
  IntakeHarness harness_;
};

TEST_F(IntakeLimitsTest, AStreamThatGoesQuietEndsDeadlineExceeded) {
  // A ruled item, so a spool file exists while the upload stalls.
  harness_.deadline().SetContentRule(ContentRuleFrom("max_size_bytes: 0"));
  const std::string content(1000, 'x');
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  intake::v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto writer = stub->Upload(&context, &response);
  ASSERT_TRUE(writer->Write(Metadata(content)));
  ASSERT_TRUE(writer->Write(Chunk(0, content.substr(0, 10))));
  // ...and nothing more; Finish waits for intake to give up.
  const grpc::Status status = writer->Finish();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("idle limit"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].code(), "DEADLINE_EXCEEDED");
  EXPECT_EQ(harness_.storage().refusals()[0].bytes_received(), 10);
  // The storage stream was cancelled, not committed.
  EXPECT_TRUE(harness_.storage().WaitForClosedStreams(1, kWait));
  EXPECT_THAT(FilesIn(dir_.File("spool")), IsEmpty());
}

TEST_F(IntakeLimitsTest, AStreamThatNeverSendsItsMetadataEndsToo) {
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  intake::v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto writer = stub->Upload(&context, &response);
  const grpc::Status status = writer->Finish();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // Nothing named an item, so there is nothing to record.
  EXPECT_THAT(harness_.storage().refusals(), IsEmpty());
}

TEST_F(IntakeLimitsTest, AStreamStillSendingPastItsCompletionWindowEnds) {
  harness_.deadline().SetCompletionWindow(absl::Milliseconds(500));
  // Far more bytes than the drip below can send in the window.
  const std::string content(1 << 20, 'x');
  grpc::ClientContext context;
  ::handin::testing::AttachStudent(context, "alice");
  intake::v1::UploadResponse response;
  auto stub = harness_.NewIntakeStub();
  auto writer = stub->Upload(&context, &response);
  ASSERT_TRUE(writer->Write(Metadata(content)));
  // A byte every 20 ms: never idle, never done. Bounded, so a broken limit
  // fails the test instead of hanging it.
  for (int64_t offset = 0; offset < 3000; ++offset) {
    if (!writer->Write(Chunk(offset, content.substr(offset, 1)))) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  const grpc::Status status = writer->Finish();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("completion window"));
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
  ASSERT_THAT(harness_.storage().refusals(), SizeIs(1));
  EXPECT_EQ(harness_.storage().refusals()[0].code(), "DEADLINE_EXCEEDED");
}

TEST_F(IntakeLimitsTest, AnUploadThatKeepsSendingWithinItsLimitsIsStored) {
  harness_.deadline().SetCompletionWindow(absl::Minutes(30));
  const std::string content = "on time, and never quiet for long\n";
  const UploadResult result =
      SendUpload(harness_, WholeUpload(content, kItem), "alice");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_THAT(harness_.storage().committed(), SizeIs(1));
}

}  // namespace
}  // namespace handin::testing
