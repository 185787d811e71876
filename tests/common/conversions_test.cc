#include "common/caller.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"

namespace handin {
namespace {

TEST(ProtoTime, TimestampRoundTripKeepsNanoseconds) {
  const absl::Time t =
      absl::FromUnixSeconds(1714600800) + absl::Nanoseconds(123456789);
  const google::protobuf::Timestamp proto = ToProtoTimestamp(t);
  EXPECT_EQ(proto.seconds(), 1714600800);
  EXPECT_EQ(proto.nanos(), 123456789);
  EXPECT_EQ(FromProtoTimestamp(proto), t);
}

TEST(ProtoTime, InstantsBeforeTheEpochKeepNanosNonNegative) {
  const absl::Time t = absl::FromUnixSeconds(-1) + absl::Milliseconds(250);
  const google::protobuf::Timestamp proto = ToProtoTimestamp(t);
  EXPECT_EQ(proto.seconds(), -1);
  EXPECT_EQ(proto.nanos(), 250000000);
  EXPECT_EQ(FromProtoTimestamp(proto), t);
}

TEST(ProtoTime, DurationRoundTrip) {
  const absl::Duration d = absl::Hours(-24) - absl::Milliseconds(5);
  EXPECT_EQ(FromProtoDuration(ToProtoDuration(d)), d);
  EXPECT_EQ(ToProtoDuration(absl::Seconds(90)).seconds(), 90);
}

TEST(ProtoTime, FormatUtcIsRfc3339) {
  EXPECT_EQ(FormatUtc(absl::FromUnixSeconds(1714600800)),
            "2024-05-01T22:00:00Z");
}

TEST(GrpcStatus, CodesAndMessagesSurviveTheRoundTrip) {
  const absl::Status status = absl::DataLossError("sha mismatch");
  const grpc::Status wire = ToGrpcStatus(status);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_EQ(wire.error_message(), "sha mismatch");
  EXPECT_EQ(FromGrpcStatus(wire), status);
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(IsValidUserId, AcceptsUniqnamesAndRejectsEverythingElse) {
  EXPECT_TRUE(IsValidUserId("ari"));
  EXPECT_TRUE(IsValidUserId("oh.jun-2"));
  EXPECT_FALSE(IsValidUserId(""));
  EXPECT_FALSE(IsValidUserId("Ari"));
  EXPECT_FALSE(IsValidUserId("-ari"));
  EXPECT_FALSE(IsValidUserId("a/b"));
  EXPECT_FALSE(IsValidUserId(std::string(65, 'a')));
}

}  // namespace
}  // namespace handin
