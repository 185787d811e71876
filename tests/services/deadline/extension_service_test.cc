// The extension RPCs end to end in-process: a real StorageServiceImpl on a
// temporary RocksDB and a real DeadlineServiceImpl (the reference course)
// wired to it (storage_fixture.h).

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/executor.h"
#include "common/proto_time.h"
#include "common/server_runner.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/deadline/deadline_service.h"
#include "services/storage/storage_service.h"
#include "services/storage/submission_store.h"
#include "tests/services/deadline/storage_fixture.h"
#include "tests/services/deadline/test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace handin::deadline {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_ON_TIME;
using ::handin::common::v1::VerdictKind;
using ::handin::deadline::testing::Address;
using ::handin::deadline::testing::LoadReferenceCourse;
using ::handin::deadline::testing::StartLocal;
using ::handin::deadline::testing::Utc;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCourse[] = "eecs598-w24";
// Owed by group leah-zin-rabia; due Mar 20 12:00 EDT (16:00 UTC); late
// summaries are not counted.
constexpr char kItem[] = "summary/2024-03-19";
constexpr char kGroup[] = "leah-zin-rabia";

class ExtensionServiceTest : public testing::StorageBackedDeadlineTest {
 protected:
  // A day after the summary was due: late, so not counted, without an
  // extension.
  ExtensionServiceTest() : StorageBackedDeadlineTest(Utc(2024, 3, 21, 16, 0)) {}

  std::unique_ptr<Course> MakeCourse() override {
    return LoadReferenceCourse();
  }

  grpc::Status Grant(const std::string& acting_user,
                     v1::GrantExtensionResponse* response = nullptr) {
    v1::GrantExtensionRequest request;
    request.set_course_id(kCourse);
    request.set_item_id(kItem);
    request.set_principal(kGroup);
    *request.mutable_due_at() = ToProtoTimestamp(Utc(2024, 3, 22, 16, 0));
    request.set_reason("the paper's code was unavailable");
    request.set_acting_user(acting_user);
    v1::GrantExtensionResponse ignored;
    grpc::ClientContext context;
    return StubAs(Role::kInstructor, acting_user)
        ->GrantExtension(&context, request,
                         response != nullptr ? response : &ignored);
  }

  grpc::Status Revoke(const std::string& acting_user) {
    v1::RevokeExtensionRequest request;
    request.set_course_id(kCourse);
    request.set_item_id(kItem);
    request.set_principal(kGroup);
    request.set_reason("granted in error");
    request.set_acting_user(acting_user);
    v1::RevokeExtensionResponse response;
    grpc::ClientContext context;
    return StubAs(Role::kInstructor, acting_user)
        ->RevokeExtension(&context, request, &response);
  }

  // The verdict for zin, a member of the group, uploading now.
  handin::common::v1::Verdict Evaluate() {
    v1::EvaluateRequest request;
    request.set_course_id(kCourse);
    request.set_principal("zin");
    request.set_item_id(kItem);
    *request.mutable_started_at() = ToProtoTimestamp(clock_.Now());
    v1::EvaluateResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub_->Evaluate(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.verdict();
  }
};

TEST_F(ExtensionServiceTest, GrantChangesTheVerdictAndRevokeRestoresIt) {
  EXPECT_EQ(Evaluate().kind(), VERDICT_KIND_LATE_NOT_COUNTED);

  v1::GrantExtensionResponse granted;
  grpc::Status status = Grant("mosharaf", &granted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(granted.extension().granted_by(), "mosharaf");
  EXPECT_EQ(FromProtoTimestamp(granted.extension().granted_at()), clock_.Now());
  EXPECT_FALSE(granted.has_previous());

  const handin::common::v1::Verdict extended = Evaluate();
  EXPECT_EQ(extended.kind(), VERDICT_KIND_ON_TIME);
  EXPECT_EQ(FromProtoTimestamp(extended.due_at()), Utc(2024, 3, 22, 16, 0));
  EXPECT_THAT(extended.reason(),
              HasSubstr("extended to 2024-03-22 12:00 EDT by mosharaf for "
                        "group leah-zin-rabia: the paper's code was "
                        "unavailable"));

  status = Revoke("mosharaf");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Evaluate().kind(), VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(Revoke("mosharaf").error_code(), grpc::StatusCode::NOT_FOUND);

  // Storage audited both changes, naming who did them.
  storage::v1::ListExtensionAuditRequest audit_request;
  audit_request.set_course_id(kCourse);
  storage::v1::ListExtensionAuditResponse audit;
  grpc::ClientContext context;
  ASSERT_TRUE(
      storage_stub_->ListExtensionAudit(&context, audit_request, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 2);
  EXPECT_EQ(audit.entries(0).action(), storage::v1::EXTENSION_ACTION_GRANT);
  EXPECT_EQ(audit.entries(1).action(), storage::v1::EXTENSION_ACTION_REVOKE);
  EXPECT_EQ(audit.entries(1).actor(), "mosharaf");
  EXPECT_EQ(audit.entries(1).reason(), "granted in error");
}

TEST_F(ExtensionServiceTest, WhatIfAndListDeadlinesSeeTheExtension) {
  ASSERT_TRUE(Grant("mosharaf").ok());

  v1::WhatIfRequest what_if;
  what_if.set_course_id(kCourse);
  what_if.set_principal("rabia");
  what_if.set_item_id(kItem);
  v1::WhatIfResponse verdict;
  grpc::ClientContext what_if_context;
  ASSERT_TRUE(stub_->WhatIf(&what_if_context, what_if, &verdict).ok());
  EXPECT_EQ(verdict.verdict().kind(), VERDICT_KIND_ON_TIME);

  v1::ListDeadlinesRequest list;
  list.set_course_id(kCourse);
  list.set_principal("rabia");
  v1::ListDeadlinesResponse deadlines;
  grpc::ClientContext list_context;
  ASSERT_TRUE(stub_->ListDeadlines(&list_context, list, &deadlines).ok());
  const v1::Deadline* summary = nullptr;
  for (const v1::Deadline& deadline : deadlines.deadlines()) {
    if (deadline.item().item_id() == kItem) summary = &deadline;
  }
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->item().due_local(), "2024-03-22 12:00 EDT");
  EXPECT_EQ(summary->time_left().seconds(), 24 * 3600);
  EXPECT_EQ(summary->verdict_now(), VERDICT_KIND_ON_TIME);
  EXPECT_THAT(summary->item().rule(), HasSubstr("extended to"));

  v1::ListItemsRequest items_request;
  items_request.set_course_id(kCourse);
  items_request.set_principal("rabia");
  v1::ListItemsResponse items;
  grpc::ClientContext items_context;
  ASSERT_TRUE(stub_->ListItems(&items_context, items_request, &items).ok());
  bool found = false;
  for (const v1::ItemSummary& item : items.items()) {
    if (item.item_id() != kItem) continue;
    found = true;
    EXPECT_EQ(item.due_local(), "2024-03-22 12:00 EDT");
  }
  EXPECT_TRUE(found);
}

// Returns the unfolded lines of the calendar event of kItem in zin's
// exported calendar, from its UID to its END; fails the test on an error.
std::string ZinsSummaryEvent(v1::DeadlineService::Stub& stub) {
  v1::ExportCalendarRequest request;
  request.set_course_id(kCourse);
  request.set_principal("zin");
  v1::ExportCalendarResponse response;
  grpc::ClientContext context;
  const grpc::Status status = stub.ExportCalendar(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  const std::string calendar =
      absl::StrReplaceAll(response.calendar(), {{"\r\n ", ""}});
  const size_t start =
      calendar.find(absl::StrCat("UID:", kItem, "+", kCourse, "+zin@handin"));
  EXPECT_NE(start, std::string::npos) << calendar;
  if (start == std::string::npos) return "";
  return calendar.substr(start, calendar.find("END:VEVENT", start) - start);
}

TEST_F(ExtensionServiceTest, ExportCalendarFollowsTheExtendedDueUntilRevoked) {
  const std::string before = ZinsSummaryEvent(*stub_);
  EXPECT_THAT(before, HasSubstr("DTSTART:20240320T160000Z"));
  EXPECT_THAT(before, Not(HasSubstr("extended to")));

  ASSERT_TRUE(Grant("mosharaf").ok());
  const std::string extended = ZinsSummaryEvent(*stub_);
  EXPECT_THAT(extended, HasSubstr("DTSTART:20240322T160000Z"));
  EXPECT_THAT(extended,
              HasSubstr("DESCRIPTION:extended to 2024-03-22 12:00 EDT by "
                        "mosharaf for group leah-zin-rabia: the paper's code "
                        "was unavailable\\; late submissions are not counted"));
  EXPECT_THAT(extended, HasSubstr("Due 2024-03-22 12:00 EDT"));

  ASSERT_TRUE(Revoke("mosharaf").ok());
  EXPECT_EQ(ZinsSummaryEvent(*stub_), before);
}

TEST_F(ExtensionServiceTest, ListExtensionsShowsGrantsToStaff) {
  ASSERT_TRUE(Grant("mosharaf").ok());
  v1::ListExtensionsRequest request;
  request.set_course_id(kCourse);
  request.set_item_id(kItem);
  request.set_acting_user("amberljc");  // a grader may look
  v1::ListExtensionsResponse response;
  grpc::ClientContext context;
  grpc::Status status = StubAs(Role::kGrader, "amberljc")
                            ->ListExtensions(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.extensions_size(), 1);
  EXPECT_EQ(response.extensions(0).principal(), kGroup);

  request.set_acting_user("zin");  // a student may not
  grpc::ClientContext student_context;
  EXPECT_EQ(StubAs(Role::kStudent, "zin")
                ->ListExtensions(&student_context, request, &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ExtensionServiceTest, TheGrantIsMadeByTheTokensSubject) {
  v1::GrantExtensionRequest request;
  request.set_course_id(kCourse);
  request.set_item_id(kItem);
  request.set_principal(kGroup);
  *request.mutable_due_at() = ToProtoTimestamp(Utc(2024, 3, 22, 16, 0));
  request.set_reason("illness");
  request.set_acting_user("mosharaf");
  v1::GrantExtensionResponse response;
  grpc::ClientContext impostor_context;
  // A grader's token cannot name the instructor as the one acting.
  const grpc::Status impostor =
      StubAs(Role::kGrader, "amberljc")
          ->GrantExtension(&impostor_context, request, &response);
  EXPECT_EQ(impostor.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(impostor.error_message(),
              HasSubstr("is not the token's subject \"amberljc\""));

  request.clear_acting_user();
  grpc::ClientContext context;
  const grpc::Status granted =
      stub_->GrantExtension(&context, request, &response);
  ASSERT_TRUE(granted.ok()) << granted.error_message();
  EXPECT_EQ(response.extension().granted_by(), "mosharaf");
}

TEST_F(ExtensionServiceTest, AGraderMayNeitherGrantNorRevoke) {
  grpc::Status status = Grant("amberljc");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("only an instructor"));
  EXPECT_EQ(Evaluate().kind(), VERDICT_KIND_LATE_NOT_COUNTED);

  ASSERT_TRUE(Grant("mosharaf").ok());
  EXPECT_EQ(Revoke("amberljc").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Evaluate().kind(), VERDICT_KIND_ON_TIME);
}

TEST(ExtensionsDisabled, WithoutStorageTheExtensionRpcsSaySoAndVerdictsWork) {
  handin::testing::FakeClock clock(Utc(2024, 3, 21, 16, 0));
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  handin::testing::TestAuth auth;
  auto authenticator =
      auth.AdmitAnyCaller(v1::DeadlineService::service_full_name());
  DeadlineServiceImpl service(std::move(course), clock, *authenticator);
  auto server = StartLocal(&service, authenticator);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::DeadlineService::NewStub(CreateTokenChannel(
      Address(server->port), grpc::InsecureChannelCredentials(),
      auth.Token(Role::kInstructor, "mosharaf")));

  v1::GrantExtensionRequest grant;
  grant.set_course_id(kCourse);
  grant.set_acting_user("mosharaf");
  v1::GrantExtensionResponse granted;
  grpc::ClientContext grant_context;
  grpc::Status status = stub->GrantExtension(&grant_context, grant, &granted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("--storage_addr"));

  v1::EvaluateRequest evaluate;
  evaluate.set_course_id(kCourse);
  evaluate.set_principal("zin");
  evaluate.set_item_id(kItem);
  *evaluate.mutable_started_at() = ToProtoTimestamp(clock.Now());
  v1::EvaluateResponse verdict;
  grpc::ClientContext evaluate_context;
  ASSERT_TRUE(stub->Evaluate(&evaluate_context, evaluate, &verdict).ok());
  EXPECT_EQ(verdict.verdict().kind(), VERDICT_KIND_LATE_NOT_COUNTED);
  StopServer(*server, absl::ZeroDuration());
}

}  // namespace
}  // namespace handin::deadline
