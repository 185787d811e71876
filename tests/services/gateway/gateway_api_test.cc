// The real handin-gateway in front of the real services (a Cluster of the
// built binaries): HTTP/JSON in, gRPC with the caller's token out; its
// refusals (401, 403, 404), status mapping, downloads and shutdown.
#include <signal.h>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/cluster.h"
#include "tests/services/gateway/gateway_process.h"
#include "tests/testing/ec_keys.h"

namespace handin::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kDeadline[] = "/api/handin.deadline.v1.DeadlineService/";
constexpr char kGrading[] = "/api/handin.grading.v1.GradingService/";
constexpr char kJson[] = "application/json";

// The "error" object of a JSON error body.
struct HttpError {
  double code = 0;
  std::string status;
  std::string message;
};

// The download route of submission `id` of the reference course.
std::string DownloadPath(const std::string& id) {
  return std::string(kGrading) +
         "DownloadSubmission?course_id=eecs598-w24&submission_id=" + id;
}

HttpError ErrorOf(const std::string& body) {
  google::protobuf::Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &parsed).ok())
      << body;
  const auto& error = parsed.fields().at("error").struct_value().fields();
  return {error.at("code").number_value(), error.at("status").string_value(),
          error.at("message").string_value()};
}

class GatewayApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    absl::Status started = cluster_->Start();
    ASSERT_TRUE(started.ok()) << started;
    auto gateway = GatewayProcess::Start(*cluster_);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = gateway->release();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    delete cluster_;
  }

  // POSTs `body` to `path` with `token` as the bearer (none if empty).
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return gateway_->Client()->Post(path.c_str(), headers, body, kJson);
  }

  std::string Grader() { return cluster_->Token(Role::kGrader, "amberljc"); }

  static Cluster* cluster_;
  static GatewayProcess* gateway_;
};

Cluster* GatewayApiTest::cluster_ = nullptr;
GatewayProcess* GatewayApiTest::gateway_ = nullptr;

TEST_F(GatewayApiTest, HealthNeedsNoToken) {
  httplib::Result health = gateway_->Client()->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_THAT(health->body, HasSubstr("SERVING"));
}

TEST_F(GatewayApiTest, HandinHealthProbesItOverHttps) {
  // As docker-compose's health check and scripts/up ask it.
  auto probe = [&](const std::string& path) {
    return RunCommand({Cluster::Binary("handin-health"), "--quiet",
                       "--addr=localhost:" + std::to_string(gateway_->port()),
                       "--ca=" + cluster_->CaFile(), "--http_path=" + path})
        .exit_code;
  };
  EXPECT_EQ(probe("/healthz"), 0);
  EXPECT_EQ(probe("/no/such/page"), 1);
  EXPECT_EQ(RunCommand({Cluster::Binary("handin-health"), "--quiet",
                        "--addr=localhost:" + std::to_string(gateway_->port()),
                        "--http_path=/healthz"})
                .exit_code,
            2)
      << "a gateway not signed by the given CA (here: the system's) is "
         "not healthy";
}

TEST_F(GatewayApiTest, TranscodesJsonToTheServiceAndBack) {
  httplib::Result reply = Post(std::string(kDeadline) + "ListItems",
                               R"({"courseId": "eecs598-w24"})", Grader());
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  EXPECT_THAT(reply->get_header_value("Content-Type"), HasSubstr(kJson));
  EXPECT_EQ(reply->get_header_value("Cache-Control"), "no-store");
  EXPECT_THAT(reply->body, HasSubstr(R"("itemId":"project-report")"));
  EXPECT_THAT(reply->body, HasSubstr(R"("timeZone":"America/Detroit")"));
  EXPECT_THAT(reply->body, HasSubstr(R"("dueLocal":"2024-05-01 18:00 EDT")"));
}

TEST_F(GatewayApiTest, NoTokenIsUnauthorized) {
  httplib::Result reply = Post(std::string(kGrading) + "ListSubmissions",
                               R"({"courseId": "eecs598-w24"})", "");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(reply->get_header_value("WWW-Authenticate"), "Bearer");
  const HttpError error = ErrorOf(reply->body);
  EXPECT_EQ(error.code, 401);
  EXPECT_EQ(error.status, "UNAUTHENTICATED");
  EXPECT_THAT(error.message, HasSubstr("bearer token"));
}

TEST_F(GatewayApiTest, TokenOfAnotherKeyIsUnauthorized) {
  const PemKeyPair other = MakeEcKeyPair();
  auto forged = IssueToken({.subject = "amberljc",
                            .role = Role::kInstructor,
                            .course_id = "eecs598-w24",
                            .issued_at = absl::Now(),
                            .expires_at = absl::Now() + absl::Hours(1)},
                           other.private_pem);
  ASSERT_TRUE(forged.ok()) << forged.status();
  httplib::Result reply = Post(std::string(kDeadline) + "ListItems",
                               R"({"courseId": "eecs598-w24"})", *forged);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(ErrorOf(reply->body).status, "UNAUTHENTICATED");
  httplib::Headers basic = {{"Authorization", "Basic Z3NpOnB3"}};
  httplib::Result not_bearer = gateway_->Client()->Post(
      (std::string(kDeadline) + "ListItems").c_str(), basic, "{}", kJson);
  ASSERT_TRUE(not_bearer);
  EXPECT_EQ(not_bearer->status, 401);
  EXPECT_THAT(ErrorOf(not_bearer->body).message, HasSubstr("Bearer"));
}

TEST_F(GatewayApiTest, StudentTokenIsForbiddenWithWhoMayCall) {
  httplib::Result reply = Post(std::string(kGrading) + "ListSubmissions",
                               R"({"courseId": "eecs598-w24"})",
                               cluster_->Token(Role::kStudent, "ari"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 403);
  const HttpError error = ErrorOf(reply->body);
  EXPECT_EQ(error.status, "PERMISSION_DENIED");
  EXPECT_THAT(error.message, HasSubstr("a student may not call"));
  EXPECT_THAT(error.message, HasSubstr("grader, instructor"));
}

TEST_F(GatewayApiTest, OnlyInstructorsGrantExtensions) {
  const std::string grant = R"({"courseId": "eecs598-w24",
      "itemId": "project-report", "principal": "ari",
      "dueAt": "2024-05-03T22:00:00Z", "reason": "illness",
      "actingUser": "mosharaf"})";
  httplib::Result by_grader =
      Post(std::string(kDeadline) + "GrantExtension", grant, Grader());
  ASSERT_TRUE(by_grader);
  EXPECT_EQ(by_grader->status, 403);
  EXPECT_THAT(ErrorOf(by_grader->body).message, HasSubstr("instructor"));

  httplib::Result by_instructor =
      Post(std::string(kDeadline) + "GrantExtension", grant,
           cluster_->Token(Role::kInstructor, "mosharaf"));
  ASSERT_TRUE(by_instructor);
  ASSERT_EQ(by_instructor->status, 200) << by_instructor->body;
  EXPECT_THAT(by_instructor->body,
              HasSubstr(R"("dueAt":"2024-05-03T22:00:00Z")"));
}

TEST_F(GatewayApiTest, MethodsNotExposedAreNotFound) {
  // Unknown anywhere, and real RPCs the dashboard's API leaves out.
  for (const std::string& path : std::vector<std::string>{
           std::string(kGrading) + "DropTable",
           std::string(kGrading) + "GetMyGrades",
           std::string(kDeadline) + "Evaluate",
           "/api/handin.storage.v1.StorageService/GetSubmission"}) {
    httplib::Result reply = Post(path, "{}", Grader());
    ASSERT_TRUE(reply) << path;
    EXPECT_EQ(reply->status, 404) << path;
    const HttpError error = ErrorOf(reply->body);
    EXPECT_EQ(error.status, "NOT_FOUND") << path;
    EXPECT_THAT(error.message, HasSubstr("has no method")) << path;
  }
  httplib::Result other_route = gateway_->Client()->Get("/api/nothing/here");
  ASSERT_TRUE(other_route);
  EXPECT_EQ(other_route->status, 404);
  EXPECT_EQ(ErrorOf(other_route->body).status, "NOT_FOUND");
}

TEST_F(GatewayApiTest, ServiceStatusesMapToHttp) {
  // The service's own NOT_FOUND, its message kept.
  httplib::Result unknown_item = Post(
      std::string(kGrading) + "ListSubmissions",
      R"({"courseId": "eecs598-w24", "itemId": "no-such-item"})", Grader());
  ASSERT_TRUE(unknown_item);
  EXPECT_EQ(unknown_item->status, 404) << unknown_item->body;
  EXPECT_THAT(ErrorOf(unknown_item->body).message, HasSubstr("no-such-item"));
  // Another service's NOT_FOUND, its message kept.
  httplib::Result other_course = Post(std::string(kDeadline) + "ListItems",
                                      R"({"courseId": "cs101"})", Grader());
  ASSERT_TRUE(other_course);
  EXPECT_EQ(other_course->status, 404) << other_course->body;
  EXPECT_THAT(ErrorOf(other_course->body).message, HasSubstr("cs101"));
  // A body that is not the request message: the gateway's INVALID_ARGUMENT.
  httplib::Result bad_body = Post(std::string(kDeadline) + "ListItems",
                                  R"({"course": "eecs598-w24"})", Grader());
  ASSERT_TRUE(bad_body);
  EXPECT_EQ(bad_body->status, 400);
  EXPECT_EQ(ErrorOf(bad_body->body).status, "INVALID_ARGUMENT");
  // The streaming download is not a POST.
  httplib::Result streaming =
      Post(std::string(kGrading) + "DownloadSubmission", "{}", Grader());
  ASSERT_TRUE(streaming);
  EXPECT_EQ(streaming->status, 400);
  EXPECT_THAT(ErrorOf(streaming->body).message, HasSubstr("GET"));
}

TEST_F(GatewayApiTest, DownloadsASubmissionWithItsNameAndType) {
  const std::string pdf = PdfBytes(2);
  intake::v1::UploadResponse uploaded;
  DirectUpload upload{.user = "ari",
                      .item = "project-report",
                      .content = pdf,
                      .key = "gateway-download",
                      .file_name = "Final Report \"v2\".pdf"};
  const grpc::Status status = UploadDirect(*cluster_, upload, &uploaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string id = uploaded.submission().submission_id();

  httplib::Headers headers = {{"Authorization", "Bearer " + Grader()}};
  httplib::Result file =
      gateway_->Client()->Get(DownloadPath(id).c_str(), headers);
  ASSERT_TRUE(file);
  ASSERT_EQ(file->status, 200) << file->body;
  EXPECT_EQ(file->body, pdf);
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/pdf");
  // (httplib's client percent-decodes header values as it reads them, so
  // filename* reads decoded here; ContentDispositionTest pins the wire.)
  EXPECT_THAT(
      file->get_header_value("Content-Disposition"),
      ::testing::StartsWith("attachment; filename=\"Final Report _v2_.pdf\"; "
                            "filename*=UTF-8''"));

  httplib::Headers ranged = headers;
  ranged.emplace("Range", "bytes=10-");
  httplib::Result partial =
      gateway_->Client()->Get(DownloadPath(id).c_str(), ranged);
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->status, 200) << "a Range is ignored: the file is whole";
  EXPECT_EQ(partial->body, pdf);

  httplib::Result missing =
      gateway_->Client()->Get(DownloadPath("nope").c_str(), headers);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ErrorOf(missing->body).status, "NOT_FOUND");
  httplib::Result anonymous = gateway_->Client()->Get(DownloadPath(id).c_str());
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

TEST_F(GatewayApiTest, UnreachableServiceIsServiceUnavailable) {
  // A second gateway whose grading address has nothing behind it.
  auto lonely = GatewayProcess::Start(
      *cluster_, {"--grading_addr=localhost:1", "--rpc_timeout=5s"});
  ASSERT_TRUE(lonely.ok()) << lonely.status();
  httplib::Headers headers = {{"Authorization", "Bearer " + Grader()}};
  httplib::Result reply = (*lonely)->Client()->Post(
      (std::string(kGrading) + "ListSubmissions").c_str(), headers,
      R"({"courseId": "eecs598-w24", "itemId": "project-report"})", kJson);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503) << reply->body;
  EXPECT_EQ(ErrorOf(reply->body).status, "UNAVAILABLE");
  auto stopped = (*lonely)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(*stopped, 0) << (*lonely)->LogTail();
}

TEST_F(GatewayApiTest, CountsRequestsByRouteAndStatusOnMetrics) {
  ASSERT_TRUE(Post(std::string(kDeadline) + "ListItems",
                   R"({"courseId": "eecs598-w24"})", Grader()));
  ASSERT_TRUE(Post(std::string(kDeadline) + "ListItems", "{}", ""));
  httplib::Client metrics("127.0.0.1", gateway_->metrics_port());
  httplib::Result scraped = metrics.Get("/metrics");
  ASSERT_TRUE(scraped) << "no /metrics on " << gateway_->metrics_port();
  ASSERT_EQ(scraped->status, 200) << gateway_->metrics_port();
  EXPECT_THAT(scraped->body,
              HasSubstr("handin_gateway_http_requests_total{route=\"api\","
                        "status=\"200\"}"));
  EXPECT_THAT(scraped->body,
              HasSubstr("handin_gateway_http_requests_total{route=\"api\","
                        "status=\"401\"}"));
}

// Whether `read()` (a log) comes to contain `part` within 10 s: a line is
// written as a call ends, which may be just after its answer arrived.
template <typename ReadLog>
bool EventuallyLogs(ReadLog read, const std::string& part) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!absl::StrContains(read(), part)) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

TEST_F(GatewayApiTest, ARequestIdIsAnsweredAndFollowsTheCallToTheService) {
  httplib::Headers headers = {{"Authorization", "Bearer " + Grader()},
                              {"X-Request-Id", "dashboard-7f3a"}};
  httplib::Result reply =
      gateway_->Client()->Post(std::string(kGrading) + "ListItems", headers,
                               R"({"courseId": "eecs598-w24"})", kJson);
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->get_header_value("X-Request-Id"), "dashboard-7f3a");
  EXPECT_TRUE(EventuallyLogs([] { return cluster_->Log("grading"); },
                             "request_id=dashboard-7f3a"))
      << cluster_->LogTail("grading");
  EXPECT_TRUE(EventuallyLogs([] { return gateway_->LogTail(); },
                             "request_id=dashboard-7f3a"))
      << gateway_->LogTail();

  // None, or one that cannot be written into a log line as is: a new one.
  for (const char* sent : {"", "two words"}) {
    httplib::Headers plain = {{"Authorization", "Bearer " + Grader()}};
    if (*sent != '\0') plain.emplace("X-Request-Id", sent);
    httplib::Result made =
        gateway_->Client()->Post(std::string(kGrading) + "ListItems", plain,
                                 R"({"courseId": "eecs598-w24"})", kJson);
    ASSERT_TRUE(made);
    const std::string id = made->get_header_value("X-Request-Id");
    EXPECT_THAT(id, ::testing::MatchesRegex("[0-9a-f]{16}")) << sent;
    EXPECT_TRUE(EventuallyLogs([] { return cluster_->Log("grading"); },
                               "request_id=" + id))
        << sent;
  }
}

TEST_F(GatewayApiTest, BrowsersPresentNoClientCertificateSoMtlsIsRefused) {
  auto refused = GatewayProcess::Start(*cluster_, {"--mtls"});
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("does not take --mtls"));
}

TEST_F(GatewayApiTest, ItsProbeIsHealthzSoAGrpcProbePortIsRefused) {
  auto refused =
      GatewayProcess::Start(*cluster_, {"--health_listen=127.0.0.1:0"});
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              HasSubstr("takes no --health_listen: probe GET /healthz"));
}

}  // namespace
}  // namespace handin::testing
