// Intake's deadline queries for students: ListMyDeadlines, CheckSubmission
// and ExportMyCalendar forward to deadline for the caller, and only for the
// caller.

#include <string>

#include "common/caller.h"
#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/intake_service.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/testing/ports.h"

namespace handin::intake {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::testing::IntakeHarness;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Property;

constexpr char kCourse[] = "eecs598-w24";

using ::handin::testing::UnusedPort;

class IntakeDeadlinesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.Start().ok()); }

  // Calls `method` on `intake` (default: the fixture's) as `user` (no
  // identity when empty).
  template <typename Request, typename Response, typename Method>
  grpc::Status Call(Method method, const Request& request, Response* response,
                    const std::string& user = "alice",
                    IntakeHarness* intake = nullptr) {
    grpc::ClientContext context;
    if (!user.empty()) ::handin::testing::AttachStudent(context, user);
    auto stub = (intake != nullptr ? intake : &harness_)->NewIntakeStub();
    return ((*stub).*method)(&context, request, response);
  }

  grpc::Status ListMyDeadlines(const v1::ListMyDeadlinesRequest& request,
                               deadline::v1::ListDeadlinesResponse* response,
                               const std::string& user = "alice",
                               IntakeHarness* intake = nullptr) {
    return Call(&v1::IntakeService::Stub::ListMyDeadlines, request, response,
                user, intake);
  }
  grpc::Status CheckSubmission(const v1::CheckSubmissionRequest& request,
                               deadline::v1::WhatIfResponse* response,
                               const std::string& user = "alice",
                               IntakeHarness* intake = nullptr) {
    return Call(&v1::IntakeService::Stub::CheckSubmission, request, response,
                user, intake);
  }
  grpc::Status ExportMyCalendar(const v1::ExportMyCalendarRequest& request,
                                deadline::v1::ExportCalendarResponse* response,
                                const std::string& user = "alice",
                                IntakeHarness* intake = nullptr) {
    return Call(&v1::IntakeService::Stub::ExportMyCalendar, request, response,
                user, intake);
  }

  static v1::ListMyDeadlinesRequest ListRequest() {
    v1::ListMyDeadlinesRequest request;
    request.set_course_id(kCourse);
    return request;
  }
  static v1::CheckSubmissionRequest CheckRequest() {
    v1::CheckSubmissionRequest request;
    request.set_course_id(kCourse);
    request.set_item_id("slides/2024-03-19");
    return request;
  }
  static v1::ExportMyCalendarRequest CalendarRequest() {
    v1::ExportMyCalendarRequest request;
    request.set_course_id(kCourse);
    return request;
  }

  // An intake whose deadline service is down.
  void StartWithDeadlineDown(IntakeHarness& down) {
    ASSERT_TRUE(down.StartIntake(IntakeHarness::Loopback(UnusedPort()),
                                 IntakeHarness::Loopback(UnusedPort()))
                    .ok());
  }

  IntakeHarness harness_;
};

TEST_F(IntakeDeadlinesTest, ListMyDeadlinesForwardsTheCallerAndTheWindow) {
  deadline::v1::ListDeadlinesResponse scripted;
  scripted.set_time_zone("America/Detroit");
  scripted.add_deadlines()->mutable_item()->set_item_id("slides/2024-03-19");
  harness_.deadline().SetDeadlines(scripted);
  v1::ListMyDeadlinesRequest request = ListRequest();
  const absl::Time start = absl::FromUnixSeconds(1700000000);
  *request.mutable_window_start() = ToProtoTimestamp(start);

  deadline::v1::ListDeadlinesResponse response;
  const grpc::Status status = ListMyDeadlines(request, &response, "jeremy");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.time_zone(), "America/Detroit");
  ASSERT_EQ(response.deadlines_size(), 1);
  EXPECT_EQ(response.deadlines(0).item().item_id(), "slides/2024-03-19");
  const auto requests = harness_.deadline().deadline_lists();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].principal(), "jeremy");
  EXPECT_EQ(requests[0].course_id(), kCourse);
  EXPECT_EQ(FromProtoTimestamp(requests[0].window_start()), start);
  EXPECT_FALSE(requests[0].has_window_end());
}

TEST_F(IntakeDeadlinesTest, CheckSubmissionReturnsDeadlinesVerdictForCaller) {
  deadline::v1::WhatIfResponse scripted;
  scripted.mutable_verdict()->set_kind(VERDICT_KIND_LATE_NOT_COUNTED);
  scripted.mutable_verdict()->set_reason("due 2024-03-18 10:30 EDT");
  harness_.deadline().SetWhatIf(scripted);

  deadline::v1::WhatIfResponse response;
  const grpc::Status status = CheckSubmission(CheckRequest(), &response, "bob");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.verdict().kind(), VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(response.verdict().reason(), "due 2024-03-18 10:30 EDT");
  EXPECT_THAT(harness_.deadline().what_ifs(),
              ElementsAre(AllOf(
                  Property(&deadline::v1::WhatIfRequest::principal, "bob"),
                  Property(&deadline::v1::WhatIfRequest::course_id, kCourse),
                  Property(&deadline::v1::WhatIfRequest::item_id,
                           "slides/2024-03-19"))));
}

TEST_F(IntakeDeadlinesTest, ExportMyCalendarReturnsTheCallersCalendar) {
  deadline::v1::ExportCalendarResponse scripted;
  scripted.set_calendar("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
  scripted.set_file_name("eecs598-w24-carol.ics");
  harness_.deadline().SetCalendar(scripted);

  deadline::v1::ExportCalendarResponse response;
  const grpc::Status status =
      ExportMyCalendar(CalendarRequest(), &response, "carol");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.calendar(), scripted.calendar());
  EXPECT_EQ(response.file_name(), "eecs598-w24-carol.ics");
  EXPECT_THAT(harness_.deadline().calendar_exports(),
              ElementsAre(Property(
                  &deadline::v1::ExportCalendarRequest::principal, "carol")));
}

TEST_F(IntakeDeadlinesTest, WithoutIdentityEachQueryIsUnauthenticated) {
  deadline::v1::ListDeadlinesResponse listed;
  deadline::v1::WhatIfResponse checked;
  deadline::v1::ExportCalendarResponse exported;
  EXPECT_EQ(ListMyDeadlines(ListRequest(), &listed, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CheckSubmission(CheckRequest(), &checked, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ExportMyCalendar(CalendarRequest(), &exported, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(harness_.deadline().deadline_lists(), IsEmpty());
  EXPECT_THAT(harness_.deadline().what_ifs(), IsEmpty());
  EXPECT_THAT(harness_.deadline().calendar_exports(), IsEmpty());
}

TEST_F(IntakeDeadlinesTest, MissingIdsAreInvalidArgumentsBeforeAnyCall) {
  deadline::v1::ListDeadlinesResponse listed;
  EXPECT_EQ(ListMyDeadlines(v1::ListMyDeadlinesRequest(), &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::CheckSubmissionRequest no_item = CheckRequest();
  no_item.clear_item_id();
  deadline::v1::WhatIfResponse checked;
  const grpc::Status status = CheckSubmission(no_item, &checked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("item_id is empty"));
  EXPECT_THAT(harness_.deadline().deadline_lists(), IsEmpty());
  EXPECT_THAT(harness_.deadline().what_ifs(), IsEmpty());
}

TEST_F(IntakeDeadlinesTest, DeadlinesNotFoundIsPassedThrough) {
  const grpc::Status not_found(grpc::StatusCode::NOT_FOUND,
                               "no item \"nope\" in course eecs598-w24");
  harness_.deadline().SetWhatIf({}, not_found);
  harness_.deadline().SetDeadlines({}, not_found);
  harness_.deadline().SetCalendar({}, not_found);
  deadline::v1::WhatIfResponse checked;
  deadline::v1::ListDeadlinesResponse listed;
  deadline::v1::ExportCalendarResponse exported;
  for (const grpc::Status& status :
       {CheckSubmission(CheckRequest(), &checked),
        ListMyDeadlines(ListRequest(), &listed),
        ExportMyCalendar(CalendarRequest(), &exported)}) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(status.error_message(), not_found.error_message());
  }
}

TEST_F(IntakeDeadlinesTest, UnreachableDeadlineIsUnavailableNamingDeadline) {
  IntakeHarness down;
  StartWithDeadlineDown(down);
  deadline::v1::WhatIfResponse checked;
  deadline::v1::ListDeadlinesResponse listed;
  deadline::v1::ExportCalendarResponse exported;
  for (const grpc::Status& status :
       {CheckSubmission(CheckRequest(), &checked, "alice", &down),
        ListMyDeadlines(ListRequest(), &listed, "alice", &down),
        ExportMyCalendar(CalendarRequest(), &exported, "alice", &down)}) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(status.error_message(),
                HasSubstr("deadline service unreachable"));
  }
}

TEST_F(IntakeDeadlinesTest, DeadlineRefusingIntakesCredentialsIsInternal) {
  harness_.deadline().SetCalendar(
      {}, grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no certificate"));
  deadline::v1::ExportCalendarResponse exported;
  const grpc::Status status = ExportMyCalendar(CalendarRequest(), &exported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("deadline service"));
}

}  // namespace
}  // namespace handin::intake
