// `handin submit` after a lost connection: the resume decisions on their
// own, the cutting proxy the other tests drop connections with, and whole
// submits through that proxy to the real intake (in-process, with fakes).

#include "clients/handin/upload_resume.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "clients/handin/commands.h"
#include "clients/handin/errors.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/testing/cutting_proxy.h"
#include "tests/testing/temp_dir.h"

namespace handin::client {
namespace {

using ::handin::testing::CuttingProxy;
using ::handin::testing::IntakeHarness;
using ::handin::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

grpc::Status Code(grpc::StatusCode code, const std::string& message = "") {
  return grpc::Status(code, message);
}

TEST(LostConnection, IsUnavailableOrAStreamTheTransportRemoved) {
  EXPECT_TRUE(LostConnection(Code(grpc::StatusCode::UNAVAILABLE)));
  EXPECT_TRUE(
      LostConnection(Code(grpc::StatusCode::UNKNOWN, "Stream removed")));
  EXPECT_FALSE(LostConnection(Code(grpc::StatusCode::INTERNAL, "bug")));
  EXPECT_FALSE(LostConnection(Code(grpc::StatusCode::DATA_LOSS)));
  EXPECT_FALSE(LostConnection(grpc::Status::OK));
}

TEST(ResumePointFrom, ResumesFromWhatIntakeHolds) {
  intake::v1::QueryWriteStatusResponse held;
  held.set_committed_size(700);
  const ResumePoint point = ResumePointFrom(grpc::Status::OK, held, 1000);
  EXPECT_FALSE(point.ask_again);
  EXPECT_EQ(point.offset, 700);
}

TEST(ResumePointFrom, AStoredUploadIsAskedForItsReceiptWithoutItsBytes) {
  intake::v1::QueryWriteStatusResponse held;
  held.set_complete(true);
  held.set_committed_size(1000);
  EXPECT_EQ(ResumePointFrom(grpc::Status::OK, held, 1000).offset, 1000);
}

TEST(ResumePointFrom, StartsAgainWhenNothingUsableIsHeld) {
  intake::v1::QueryWriteStatusResponse held;
  EXPECT_EQ(ResumePointFrom(grpc::Status::OK, held, 1000).offset, 0);
  held.set_committed_size(1001);  // More than the file: not this file.
  EXPECT_EQ(ResumePointFrom(grpc::Status::OK, held, 1000).offset, 0);
  // An intake that cannot say: a new upload with the same key is safe.
  held.set_committed_size(700);
  EXPECT_EQ(
      ResumePointFrom(Code(grpc::StatusCode::UNIMPLEMENTED), held, 1000).offset,
      0);
}

TEST(ResumePointFrom, AsksAgainWhileIntakeCannotBeReached) {
  EXPECT_TRUE(
      ResumePointFrom(Code(grpc::StatusCode::UNAVAILABLE), {}, 1000).ask_again);
  EXPECT_TRUE(
      ResumePointFrom(Code(grpc::StatusCode::DEADLINE_EXCEEDED), {}, 1000)
          .ask_again);
}

TEST(ShouldStartAgain, OnlyARefusedResume) {
  EXPECT_TRUE(
      ShouldStartAgain(Code(grpc::StatusCode::FAILED_PRECONDITION), 700));
  EXPECT_FALSE(
      ShouldStartAgain(Code(grpc::StatusCode::FAILED_PRECONDITION), 0));
  EXPECT_FALSE(ShouldStartAgain(Code(grpc::StatusCode::DATA_LOSS), 700));
}

// A TCP server on loopback that counts what each connection sends until it
// ends.
class CountingServer {
 public:
  CountingServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listener_, 4);
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~CountingServer() { close(listener_); }

  // Accepts one connection and returns how many bytes it sent.
  int64_t CountOne() {
    const int fd = accept(listener_, nullptr, nullptr);
    int64_t total = 0;
    char buffer[4096];
    for (ssize_t got; (got = recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
      total += got;
    }
    close(fd);
    return total;
  }
  int port() const { return port_; }

 private:
  int listener_;
  int port_;
};

// Sends `bytes` bytes to `port` on loopback, then closes.
void SendBytes(int port, int64_t bytes) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  const std::string data(static_cast<size_t>(bytes), 'x');
  // Fails part-way once the proxy cuts; that is the point.
  (void)send(fd, data.data(), data.size(), MSG_NOSIGNAL);
  shutdown(fd, SHUT_WR);
  char byte;
  while (recv(fd, &byte, 1, 0) > 0) {
  }
  close(fd);
}

TEST(CuttingProxy, CutsTheFirstConnectionAtTheCountThenPassesEverything) {
  CountingServer server;
  auto proxy = CuttingProxy::Start(server.port(), /*cut_after_bytes=*/600);
  ASSERT_TRUE(proxy.ok()) << proxy.status();

  std::thread first([&] { SendBytes((*proxy)->port(), 1000); });
  EXPECT_EQ(server.CountOne(), 600);
  first.join();
  EXPECT_TRUE((*proxy)->cut());

  std::thread second([&] { SendBytes((*proxy)->port(), 1000); });
  EXPECT_EQ(server.CountOne(), 1000);
  second.join();
  EXPECT_EQ((*proxy)->connections(), 2);
}

// Content that differs from place to place, so a misplaced resume shows.
std::string Patterned(size_t size) {
  std::string content;
  for (size_t i = 0; content.size() < size; ++i) {
    content += std::to_string(i) + "\n";
  }
  content.resize(size);
  return content;
}

// The cut comes well past what gRPC's flow control lets be in flight, so
// intake has stored part of the file by then.
constexpr size_t kFileBytes = size_t{40} << 20;
constexpr int64_t kCutAfter = int64_t{32} << 20;

class SubmitResumeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.Start().ok()); }

  // Submits `content` through a proxy that cuts the connection once after
  // `cut_after` bytes towards intake.
  int SubmitThroughCut(const std::string& content, int64_t cut_after,
                       int attempts = 3) {
    const std::string path = dir_.File("report.pdf");
    std::ofstream(path, std::ios::binary) << content;
    const std::string intake = harness_.intake_address();
    auto proxy = CuttingProxy::Start(
        std::stoi(intake.substr(intake.rfind(':') + 1)), cut_after);
    EXPECT_TRUE(proxy.ok()) << proxy.status();
    GlobalOptions options;
    options.server = IntakeHarness::Loopback((*proxy)->port());
    options.insecure = true;
    options.token =
        ::handin::testing::HarnessAuth().Token(Role::kStudent, "alice");
    SubmitOptions submit{"project-report", path};
    submit.receipt_dir = dir_.path();
    // Long enough for intake to let go of the broken stream (else the
    // resume is asked to wait, which costs an attempt).
    submit.retry_delay = absl::Milliseconds(500);
    submit.attempts = attempts;
    proxy_address_ = options.server;
    const int code = RunSubmit(options, submit, clock_,
                               Console{out_, err_, /*progress=*/false});
    EXPECT_TRUE((*proxy)->cut()) << "the proxy never cut; test the cut";
    return code;
  }

  IntakeHarness harness_;
  std::string proxy_address_;
  SystemClock clock_;
  TempDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(SubmitResumeTest, ALostConnectionIsResumedAndStoredOnce) {
  const std::string content = Patterned(kFileBytes);
  ASSERT_EQ(SubmitThroughCut(content, kCutAfter), kExitOk) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("broke during the upload"));
  EXPECT_THAT(err_.str(),
              ::testing::ContainsRegex(
                  "connection lost; resuming at [0-9.]+ [KM]iB of 40.0 MiB"));
  const auto committed = harness_.storage().committed();
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(harness_.storage().ContentOf(committed[0].submission_id()),
            content);
  EXPECT_THAT(out_.str(), HasSubstr(Sha256::Of(content)));
  // The second stream started where the first one's bytes ended.
  const auto headers = harness_.storage().headers();
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_GT(headers[1].resume_offset(), 0);
}

TEST_F(SubmitResumeTest, WithoutAttemptsLeftALostConnectionIsSaidAsSuch) {
  EXPECT_EQ(SubmitThroughCut(Patterned(kFileBytes), kCutAfter, /*attempts=*/1),
            kExitServerError);
  EXPECT_EQ(err_.str(), "handin: the connection to intake at " +
                            proxy_address_ + " broke during the upload\n");
  EXPECT_TRUE(harness_.storage().committed().empty());
}

TEST_F(SubmitResumeTest, ARefusedResumeIsSentAgainFromTheStartOnce) {
  // The resumed attempt finds its completion window passed (the clock
  // jumps at its pre-check), so intake refuses the resume.
  harness_.deadline().SetCompletionWindow(absl::Minutes(30));
  std::atomic<int> evaluations{0};
  harness_.deadline().SetHandler(
      [this, &evaluations](const deadline::v1::EvaluateRequest&,
                           deadline::v1::EvaluateResponse* response) {
        if (++evaluations == 2) harness_.clock().Advance(absl::Minutes(31));
        response->mutable_verdict()->set_kind(common::v1::VERDICT_KIND_ON_TIME);
        return grpc::Status::OK;
      });
  const std::string content = Patterned(kFileBytes);
  ASSERT_EQ(SubmitThroughCut(content, kCutAfter), kExitOk) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("intake cannot resume this upload"));
  EXPECT_THAT(err_.str(), HasSubstr("sending it again from the start"));
  const auto committed = harness_.storage().committed();
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(harness_.storage().ContentOf(committed[0].submission_id()),
            content);
  // Sent again from 0, it counts from its new start.
  EXPECT_EQ(FromProtoTimestamp(committed[0].started_at()),
            ::handin::testing::HarnessStartTime() + absl::Minutes(31));
}

}  // namespace
}  // namespace handin::client
