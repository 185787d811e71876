#include "clients/handin/errors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handin::client {
namespace {

using ::testing::HasSubstr;

constexpr char kServer[] = "127.0.0.1:50051";

TEST(DescribeRpcError, UnreachableServerSaysHowToStartIt) {
  const grpc::Status refused(
      grpc::StatusCode::UNAVAILABLE,
      "failed to connect to all addresses; last error: UNKNOWN: "
      "ipv4:127.0.0.1:50051: Failed to connect to remote host: Connection "
      "refused");
  EXPECT_EQ(DescribeRpcError(refused, kServer),
            "cannot reach intake at 127.0.0.1:50051 (is it running? start it "
            "with scripts/up)");
}

TEST(DescribeRpcError, TlsHandshakeFailureSuggestsCaOrInsecure) {
  const grpc::Status tls(
      grpc::StatusCode::UNAVAILABLE,
      "failed to connect to all addresses; last error: UNKNOWN: "
      "ipv4:127.0.0.1:50051: Ssl handshake failed: SSL_ERROR_SSL: "
      "CERTIFICATE_VERIFY_FAILED");
  const std::string message = DescribeRpcError(tls, kServer);
  EXPECT_THAT(message,
              HasSubstr("TLS handshake with intake at 127.0.0.1:50051"));
  EXPECT_THAT(message, HasSubstr("--ca"));
  EXPECT_THAT(message, HasSubstr("--insecure"));
}

TEST(DescribeRpcError, ConnectionClosedDuringSetupSuggestsTls) {
  const grpc::Status closed(grpc::StatusCode::UNAVAILABLE,
                            "failed to connect to all addresses; last error: "
                            "UNAVAILABLE: ipv4:127.0.0.1:50051: Socket closed");
  EXPECT_THAT(DescribeRpcError(closed, kServer),
              HasSubstr("if it serves TLS, drop --insecure"));
}

TEST(DescribeRpcError, UnavailablePeerBehindIntakeIsNotCalledUnreachable) {
  const grpc::Status storage_down(
      grpc::StatusCode::UNAVAILABLE,
      "storage service unreachable: connection refused (try again shortly)");
  EXPECT_EQ(DescribeRpcError(storage_down, kServer),
            "intake at 127.0.0.1:50051 is up but storage service unreachable: "
            "connection refused (try again shortly)");
}

TEST(DescribeRpcError, ServerMessagesAboutTheRequestAreShownAsSent) {
  const grpc::Status not_found(grpc::StatusCode::NOT_FOUND,
                               "no item \"nope\" in course eecs598-w24");
  EXPECT_EQ(DescribeRpcError(not_found, kServer),
            "no item \"nope\" in course eecs598-w24");
  const grpc::Status refused(grpc::StatusCode::FAILED_PRECONDITION,
                             "the item opens on Mar 12");
  EXPECT_EQ(DescribeRpcError(refused, kServer), "the item opens on Mar 12");
}

TEST(DescribeRpcError, DataLossTellsTheStudentToSubmitAgain) {
  const grpc::Status mismatch(grpc::StatusCode::DATA_LOSS,
                              "SHA-256 of the received bytes differs");
  EXPECT_EQ(DescribeRpcError(mismatch, kServer),
            "SHA-256 of the received bytes differs; nothing was stored, "
            "submit again");
}

TEST(DescribeRpcError, OtherFailuresNameTheServerAndTheCode) {
  EXPECT_EQ(DescribeRpcError(grpc::Status(grpc::StatusCode::INTERNAL, "boom"),
                             kServer),
            "intake at 127.0.0.1:50051 failed (INTERNAL): boom");
  EXPECT_THAT(
      DescribeRpcError(
          grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "late"), kServer),
      HasSubstr("did not answer in time"));
  const std::string idle =
      "the upload sent nothing for 60s (the idle limit); nothing was stored";
  EXPECT_EQ(
      DescribeRpcError(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, idle),
                       kServer),
      idle);
  EXPECT_THAT(DescribeRpcError(
                  grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), kServer),
              HasSubstr("is not handin's intake"));
}

TEST(DescribeLostUpload, SaysHowFarTheUploadGotBeforeTheConnectionBroke) {
  const grpc::Status closed(grpc::StatusCode::UNAVAILABLE, "Socket closed");
  EXPECT_EQ(DescribeLostUpload(closed, kServer, 3 << 20),
            "the connection to intake at 127.0.0.1:50051 broke during the "
            "upload");
  // Nothing sent yet: the connection could not be set up.
  EXPECT_EQ(DescribeLostUpload(closed, kServer, 0),
            DescribeRpcError(closed, kServer));
  // Intake's own answer says more than the transport could.
  const grpc::Status storage(grpc::StatusCode::UNAVAILABLE,
                             "storage service unreachable: refused");
  EXPECT_EQ(DescribeLostUpload(storage, kServer, 3 << 20),
            DescribeRpcError(storage, kServer));
}

}  // namespace
}  // namespace handin::client
