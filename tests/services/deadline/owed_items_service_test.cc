// WhatIf, ListDeadlines and ExportCalendar through the generated stub,
// against the real service in-process on 127.0.0.1:0 with a FakeClock.

#include <string>

#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/services/deadline/service_fixture.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::deadline::testing::DeadlineServiceTest;
using ::handin::deadline::testing::Utc;
using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::WhatIfRequest WhatIfSlides(const std::string& principal = "jiaheng") {
  v1::WhatIfRequest request;
  request.set_course_id("eecs598-w24");
  request.set_principal(principal);
  request.set_item_id("slides/2024-03-19");
  return request;
}

v1::ListDeadlinesRequest DeadlinesOf(const std::string& principal) {
  v1::ListDeadlinesRequest request;
  request.set_course_id("eecs598-w24");
  request.set_principal(principal);
  return request;
}

TEST_F(DeadlineServiceTest, WhatIfJudgesAnUploadStartedNowByTheServerClock) {
  {
    grpc::ClientContext context;
    v1::WhatIfResponse response;
    grpc::Status status = stub_->WhatIf(&context, WhatIfSlides(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.verdict().kind(), VERDICT_KIND_ON_TIME);
    EXPECT_EQ(FromProtoTimestamp(response.evaluated_at()),
              Utc(2024, 3, 18, 14, 0));
    EXPECT_EQ(FromProtoTimestamp(response.verdict().due_at()),
              Utc(2024, 3, 18, 14, 30));
    EXPECT_EQ(FromProtoDuration(response.completion_window()),
              absl::Minutes(30));
  }
  clock_.Advance(absl::Minutes(41));  // 10:41 EDT, 11 minutes late.
  grpc::ClientContext context;
  v1::WhatIfResponse response;
  grpc::Status status = stub_->WhatIf(&context, WhatIfSlides(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.verdict().kind(), VERDICT_KIND_LATE_COUNTED);
  EXPECT_EQ(FromProtoDuration(response.verdict().lateness()),
            absl::Minutes(11));
  EXPECT_THAT(response.verdict().reason(),
              HasSubstr("started 2024-03-18 10:41 EDT: 11 minutes late"));
  EXPECT_EQ(FromProtoTimestamp(response.evaluated_at()),
            Utc(2024, 3, 18, 14, 41));
}

TEST_F(DeadlineServiceTest, WhatIfForAStudentWhoDoesNotOweTheItemIsRefused) {
  grpc::ClientContext context;
  v1::WhatIfResponse response;
  grpc::Status status = stub_->WhatIf(&context, WhatIfSlides("ari"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.verdict().kind(), VERDICT_KIND_REFUSED);
  EXPECT_THAT(response.verdict().reason(), HasSubstr("ari is not one of them"));
}

TEST_F(DeadlineServiceTest, WhatIfRejectsMissingFieldsAndUnknownItems) {
  struct Case {
    const char* name;
    v1::WhatIfRequest request;
    grpc::StatusCode code;
    const char* message;
  };
  Case cases[] = {
      {"no item", WhatIfSlides(), grpc::StatusCode::INVALID_ARGUMENT,
       "item_id is required"},
      {"no principal", WhatIfSlides(""), grpc::StatusCode::INVALID_ARGUMENT,
       "principal is required"},
      {"unknown item", WhatIfSlides(), grpc::StatusCode::NOT_FOUND,
       "no item \"slides/2024-01-30\""},
      {"other course", WhatIfSlides(), grpc::StatusCode::NOT_FOUND,
       "no course \"eecs482-w24\""},
  };
  cases[0].request.clear_item_id();
  cases[2].request.set_item_id("slides/2024-01-30");
  cases[3].request.set_course_id("eecs482-w24");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::ClientContext context;
    v1::WhatIfResponse response;
    grpc::Status status = stub_->WhatIf(&context, c.request, &response);
    EXPECT_EQ(status.error_code(), c.code);
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }
}

TEST_F(DeadlineServiceTest, ListDeadlinesShowsDueTimesTimeLeftAndVerdicts) {
  grpc::ClientContext context;
  v1::ListDeadlinesResponse response;
  grpc::Status status =
      stub_->ListDeadlines(&context, DeadlinesOf("jiaheng"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.time_zone(), "America/Detroit");
  EXPECT_EQ(FromProtoTimestamp(response.evaluated_at()),
            Utc(2024, 3, 18, 14, 0));
  ASSERT_GT(response.deadlines_size(), 2);
  absl::Time previous = absl::InfinitePast();
  const v1::Deadline* slides = nullptr;
  const v1::Deadline* summary = nullptr;
  for (const v1::Deadline& d : response.deadlines()) {
    const absl::Time due = FromProtoTimestamp(d.item().due_at());
    EXPECT_GE(due, previous) << d.item().item_id();
    previous = due;
    EXPECT_EQ(FromProtoDuration(d.time_left()), due - Utc(2024, 3, 18, 14, 0))
        << d.item().item_id();
    if (d.item().item_id() == "slides/2024-03-19") slides = &d;
    if (d.item().item_id() == "summary/2024-02-20") summary = &d;
  }
  ASSERT_NE(slides, nullptr);
  EXPECT_EQ(slides->item().due_local(), "2024-03-18 10:30 EDT");
  EXPECT_EQ(slides->item().rule(),
            "due 24 h before the Mar 19 session starts; late submissions are "
            "accepted and flagged");
  EXPECT_EQ(FromProtoDuration(slides->time_left()), absl::Minutes(30));
  EXPECT_EQ(slides->verdict_now(), VERDICT_KIND_ON_TIME);
  // A summary from before the DST change: written in EST, long past.
  ASSERT_NE(summary, nullptr) << "jiaheng summarises the Feb 20 session";
  EXPECT_EQ(summary->item().due_local(), "2024-02-21 12:00 EST");
  EXPECT_LT(FromProtoDuration(summary->time_left()), absl::ZeroDuration());
  EXPECT_EQ(summary->verdict_now(), VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(response.deadlines(response.deadlines_size() - 1).item().item_id(),
            "project-report");
}

TEST_F(DeadlineServiceTest, ListDeadlinesKeepsOnlyItemsDueInTheWindow) {
  v1::ListDeadlinesRequest request = DeadlinesOf("jiaheng");
  *request.mutable_window_start() = ToProtoTimestamp(Utc(2024, 3, 18, 14, 0));
  *request.mutable_window_end() = ToProtoTimestamp(Utc(2024, 3, 25, 14, 0));
  grpc::ClientContext context;
  v1::ListDeadlinesResponse response;
  grpc::Status status = stub_->ListDeadlines(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GT(response.deadlines_size(), 0);
  for (const v1::Deadline& d : response.deadlines()) {
    const absl::Time due = FromProtoTimestamp(d.item().due_at());
    EXPECT_GE(due, Utc(2024, 3, 18, 14, 0)) << d.item().item_id();
    EXPECT_LT(due, Utc(2024, 3, 25, 14, 0)) << d.item().item_id();
  }
  EXPECT_EQ(response.deadlines(0).item().item_id(), "slides/2024-03-19");
}

TEST_F(DeadlineServiceTest, ListDeadlinesRejectsBadRequests) {
  struct Case {
    const char* name;
    v1::ListDeadlinesRequest request;
    grpc::StatusCode code;
    const char* message;
  };
  Case cases[] = {
      {"stranger", DeadlinesOf("eve"), grpc::StatusCode::NOT_FOUND,
       "eve is not on the roster"},
      {"no principal", DeadlinesOf(""), grpc::StatusCode::INVALID_ARGUMENT,
       "principal is required"},
      {"reversed", DeadlinesOf("ari"), grpc::StatusCode::INVALID_ARGUMENT,
       "before it starts"},
      {"bad timestamp", DeadlinesOf("ari"), grpc::StatusCode::INVALID_ARGUMENT,
       "window_end is not a valid timestamp"},
  };
  *cases[2].request.mutable_window_start() =
      ToProtoTimestamp(Utc(2024, 4, 1, 0, 0));
  *cases[2].request.mutable_window_end() =
      ToProtoTimestamp(Utc(2024, 3, 1, 0, 0));
  cases[3].request.mutable_window_end()->set_nanos(-1);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::ClientContext context;
    v1::ListDeadlinesResponse response;
    grpc::Status status = stub_->ListDeadlines(&context, c.request, &response);
    EXPECT_EQ(status.error_code(), c.code);
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }
}

TEST_F(DeadlineServiceTest, ExportCalendarReturnsThePrincipalsICalendar) {
  v1::ExportCalendarRequest request;
  request.set_course_id("eecs598-w24");
  request.set_principal("jiaheng");
  grpc::ClientContext context;
  v1::ExportCalendarResponse response;
  grpc::Status status = stub_->ExportCalendar(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.file_name(), "eecs598-w24-jiaheng.ics");
  const std::string& ics = response.calendar();
  EXPECT_THAT(ics, StartsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  EXPECT_THAT(ics, HasSubstr("\r\nBEGIN:VEVENT\r\n"
                             "UID:slides/2024-03-19+eecs598-w24+jiaheng@handin"
                             "\r\nDTSTAMP:20240318T140000Z\r\n"
                             "DTSTART:20240318T143000Z\r\n"
                             "DTEND:20240318T143100Z\r\n"));
  EXPECT_THAT(ics, HasSubstr("\r\nEND:VCALENDAR\r\n"));
}

TEST_F(DeadlineServiceTest, ExportCalendarForStaffOrStrangersFails) {
  v1::ExportCalendarRequest request;
  request.set_course_id("eecs598-w24");
  for (auto [principal, code] :
       {std::make_pair("mosharaf", grpc::StatusCode::FAILED_PRECONDITION),
        std::make_pair("eve", grpc::StatusCode::NOT_FOUND),
        std::make_pair("", grpc::StatusCode::INVALID_ARGUMENT)}) {
    SCOPED_TRACE(principal);
    request.set_principal(principal);
    grpc::ClientContext context;
    v1::ExportCalendarResponse response;
    grpc::Status status = stub_->ExportCalendar(&context, request, &response);
    EXPECT_EQ(status.error_code(), code);
    EXPECT_TRUE(response.calendar().empty());
  }
}

}  // namespace
}  // namespace handin::deadline
