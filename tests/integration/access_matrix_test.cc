// The access matrix (issue 5), walked on the real binaries: every RPC of
// every handin service, called by every kind of caller, is admitted or
// refused exactly as the table below says. The table is written here, apart
// from the servers' own (services/*/access.cc), so a change to either shows
// up as a failure. Ownership (a student sees only their own work) is walked
// after it, with real uploads.
#include <future>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/caller.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "tests/integration/cluster.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Who calls. People hold tokens of the reference course; services hold
// their own service tokens; `backup` is the operator's identity for
// storage checkpoints (a service token issued off-cluster).
const char* const kCallers[] = {"student",  "grader",  "instructor", "intake",
                                "deadline", "grading", "gateway",    "backup"};

using Matrix = std::map<std::string, std::set<std::string>>;

const std::set<std::string> kStaff = {"grader", "instructor"};

// Server -> (method -> callers admitted). Every method of every service must
// be here; anything not admitted must be refused.
const std::map<std::string, Matrix>& Expected() {
  static const auto* const expected = new std::map<std::string, Matrix>{
      {"intake",
       {{"Upload", {"student"}},
        {"QueryWriteStatus", {"student"}},
        {"ListMySubmissions", {"student"}},
        {"ListMyDeadlines", {"student"}},
        {"CheckSubmission", {"student"}},
        {"ExportMyCalendar", {"student"}}}},
      {"deadline",
       {{"Evaluate", {"intake"}},
        {"WhatIf", {"intake"}},
        {"ListDeadlines", {"grader", "instructor", "intake"}},
        {"ExportCalendar", {"grader", "instructor", "intake"}},
        {"ListItems", {"grader", "instructor", "grading"}},
        {"GetCoursePolicy", {"grader", "instructor", "grading"}},
        {"ListExtensions", kStaff},
        {"GrantExtension", {"instructor"}},
        {"RevokeExtension", {"instructor"}},
        {"ChooseCounted", {"grading"}}}},
      {"storage",
       {{"PutSubmission", {"intake"}},
        {"StoreSubmission", {"intake"}},
        {"QueryUpload", {"intake"}},
        {"LookupIdempotencyKey", {"intake"}},
        {"RecordRefusal", {"intake"}},
        {"ListRefusals", {"intake", "grading"}},
        {"GetSubmission", {"intake", "grading"}},
        {"ListSubmissions", {"intake", "grading", "deadline"}},
        {"ReadSubmission", {"grading"}},
        {"PutExtension", {"deadline"}},
        {"DeleteExtension", {"deadline"}},
        {"ListExtensions", {"deadline"}},
        {"ListExtensionAudit", {"deadline"}},
        {"PutScore", {"grading"}},
        {"ListScores", {"grading"}},
        {"PutAttendance", {"grading"}},
        {"ListAttendance", {"grading"}},
        {"PutBestGroupVote", {"grading"}},
        {"ListBestGroupVotes", {"grading"}},
        {"CreateRegrade", {"grading"}},
        {"ResolveRegrade", {"grading"}},
        {"ListRegrades", {"grading"}},
        {"ListGradeAudit", {"grading"}},
        {"CreateCheckpoint", {"backup"}}}},
      {"grading",
       {{"ListSubmissions", kStaff},
        {"DownloadSubmission", kStaff},
        {"ListItems", kStaff},
        {"ListComponents", kStaff},
        {"RecordScore", kStaff},
        {"ListScores", kStaff},
        {"RecordAttendance", kStaff},
        {"ListAttendance", kStaff},
        {"RecordBestGroupVote", kStaff},
        {"ListBestGroupVotes", kStaff},
        {"GetGradebook", kStaff},
        {"ExportGradebookCsv", kStaff},
        {"ResolveRegrade", kStaff},
        {"ListRegrades", kStaff},
        {"ListGradeHistory", kStaff},
        {"GetMyGrades", {"student"}},
        {"RequestRegrade", {"student"}}}},
  };
  return *expected;
}

// Server -> its service's full name.
const std::map<std::string, std::string>& ServiceNames() {
  static const auto* const names = new std::map<std::string, std::string>{
      {"intake", intake::v1::IntakeService::service_full_name()},
      {"deadline", deadline::v1::DeadlineService::service_full_name()},
      {"storage", storage::v1::StorageService::service_full_name()},
      {"grading", grading::v1::GradingService::service_full_name()},
  };
  return *names;
}

// The descriptor of `server`'s service, found through a message of its
// proto file (which links the file into the generated pool).
const google::protobuf::ServiceDescriptor* ServiceOf(
    const std::string& server) {
  const std::map<std::string, const google::protobuf::FileDescriptor*> files = {
      {"intake", intake::v1::UploadRequest::descriptor()->file()},
      {"deadline", deadline::v1::EvaluateRequest::descriptor()->file()},
      {"storage", storage::v1::PutSubmissionRequest::descriptor()->file()},
      {"grading", grading::v1::ListSubmissionsRequest::descriptor()->file()}};
  const std::string& full_name = ServiceNames().at(server);
  return files.at(server)->FindServiceByName(
      full_name.substr(full_name.rfind('.') + 1));
}

// Sends one empty message on `method` and half-closes; returns the status.
// One empty message is a well-formed call of every kind (unary, client- or
// server-streaming), and a refusal comes before any handler reads it.
class OneMessageCall final
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  OneMessageCall(grpc::GenericStub& stub, const std::string& method,
                 const std::string& token) {
    if (!token.empty()) AttachToken(context_, token);
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    grpc::Slice empty("");
    request_ = grpc::ByteBuffer(&empty, 1);
    stub.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (ok) StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }
  grpc::Status Await() { return done_.get_future().get(); }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::promise<grpc::Status> done_;
};

// True if the server's access table refused the call (not a handler).
bool RefusedByTable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::PERMISSION_DENIED &&
         (absl::StrContains(status.error_message(), " may not call ") ||
          absl::StrContains(status.error_message(), "not open to any caller"));
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    absl::Status started = cluster_->Start();
    ASSERT_TRUE(started.ok()) << started;
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  static std::string TokenOf(const std::string& caller) {
    if (caller == "student") return cluster_->Token(Role::kStudent, "ari");
    if (caller == "grader") return cluster_->Token(Role::kGrader, "amberljc");
    if (caller == "instructor") {
      return cluster_->Token(Role::kInstructor, "mosharaf");
    }
    // Not a service of the cluster: issued as the operator would.
    if (caller == "backup") {
      return cluster_->Token(Role::kService, "backup", "*");
    }
    return cluster_->ServiceToken(caller);
  }

  // Calls `path` ("/pkg.Service/Method") on `server` with `token`.
  static grpc::Status CallPath(const std::string& server,
                               const std::string& path,
                               const std::string& token) {
    grpc::GenericStub stub(cluster_->Channel(server));
    OneMessageCall call(stub, path, token);
    return call.Await();
  }
  static grpc::Status Call(const std::string& server, const std::string& method,
                           const std::string& token) {
    return CallPath(server,
                    absl::StrCat("/", ServiceNames().at(server), "/", method),
                    token);
  }

  static Cluster* cluster_;
};

Cluster* AccessMatrixTest::cluster_ = nullptr;

TEST_F(AccessMatrixTest, EveryRpcAdmitsExactlyItsCallers) {
  for (const auto& [server, full_name] : ServiceNames()) {
    const google::protobuf::ServiceDescriptor* service = ServiceOf(server);
    ASSERT_NE(service, nullptr) << full_name;
    const Matrix& expected = Expected().at(server);
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = service->method(i)->name();
      const auto row = expected.find(method);
      ASSERT_NE(row, expected.end())
          << full_name << "/" << method
          << " has no row in this test's matrix: say who may call it";
      for (const char* caller : kCallers) {
        const grpc::Status status = Call(server, method, TokenOf(caller));
        const bool admitted = row->second.count(caller) > 0;
        EXPECT_EQ(!RefusedByTable(status), admitted)
            << caller << " calling " << full_name << "/" << method << ": "
            << status.error_code() << " " << status.error_message();
        if (!admitted) {
          EXPECT_THAT(status.error_message(), HasSubstr(method)) << caller;
        }
      }
      // Without a token: never admitted.
      const grpc::Status anonymous = Call(server, method, "");
      EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method;
      EXPECT_THAT(anonymous.error_message(), HasSubstr("needs a bearer token"));
    }
  }
}

TEST_F(AccessMatrixTest, EveryServerAnswersHealthAndReflectionToAnyone) {
  for (const auto& [server, full_name] : ServiceNames()) {
    const grpc::Status health =
        CallPath(server, "/grpc.health.v1.Health/Check", "");
    // Health is public: whatever the answer, it is not an auth refusal.
    EXPECT_NE(health.error_code(), grpc::StatusCode::UNAUTHENTICATED) << server;
    EXPECT_FALSE(RefusedByTable(health)) << server;
  }
}

// Ownership: what a student reaches through intake is their own.
TEST_F(AccessMatrixTest, AStudentSeesOnlyTheirOwnWork) {
  intake::v1::UploadResponse receipt;
  const grpc::Status uploaded = UploadDirect(*cluster_, "ari", "project-report",
                                             PdfBytes(1), "ari-key", &receipt);
  ASSERT_TRUE(uploaded.ok()) << uploaded.error_message();

  auto list_as = [](const std::string& student) {
    auto intake = intake::v1::IntakeService::NewStub(
        cluster_->Channel("intake", cluster_->Token(Role::kStudent, student)));
    intake::v1::ListMySubmissionsRequest request;
    request.set_course_id("eecs598-w24");
    intake::v1::ListMySubmissionsResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        intake->ListMySubmissions(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  const auto own = list_as("ari");
  ASSERT_EQ(own.submissions_size(), 1);
  EXPECT_EQ(own.submissions(0).principal(), "ari");
  EXPECT_THAT(list_as("leah").submissions(), IsEmpty());

  // Another student cannot learn of ari's upload by its key: the same
  // question answers ari "stored", and leah "nothing held".
  auto query_as = [](const std::string& student) {
    auto intake = intake::v1::IntakeService::NewStub(
        cluster_->Channel("intake", cluster_->Token(Role::kStudent, student)));
    intake::v1::QueryWriteStatusRequest query;
    query.set_course_id("eecs598-w24");
    query.set_idempotency_key("ari-key");
    intake::v1::QueryWriteStatusResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        intake->QueryWriteStatus(&context, query, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  EXPECT_TRUE(query_as("ari").complete());
  const auto leahs = query_as("leah");
  EXPECT_FALSE(leahs.complete());
  EXPECT_EQ(leahs.committed_size(), 0);
}

}  // namespace
}  // namespace handin::testing
