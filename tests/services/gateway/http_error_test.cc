// The gateway's HTTP face of gRPC statuses: the standard code mapping and
// the JSON error body.
#include "services/gateway/http_error.h"

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace handin::gateway {
namespace {

TEST(HttpStatusFor, MapsEveryCanonicalCodeAsGoogleApisDo) {
  const std::pair<absl::StatusCode, int> expected[] = {
      {absl::StatusCode::kOk, 200},
      {absl::StatusCode::kCancelled, 499},
      {absl::StatusCode::kUnknown, 500},
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kDeadlineExceeded, 504},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kFailedPrecondition, 400},
      {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kUnimplemented, 501},
      {absl::StatusCode::kInternal, 500},
      {absl::StatusCode::kUnavailable, 503},
      {absl::StatusCode::kDataLoss, 500},
      {absl::StatusCode::kUnauthenticated, 401},
  };
  for (const auto& [code, http] : expected) {
    EXPECT_EQ(HttpStatusFor(code), http) << absl::StatusCodeToString(code);
  }
  EXPECT_EQ(HttpStatusFor(static_cast<absl::StatusCode>(99)), 500);
}

TEST(ErrorJson, CarriesHttpCodeGrpcNameAndTheMessageVerbatim) {
  const std::string message =
      "item \"summary/2024-03-19\" is not owed\nby ari \\ see <policy>";
  const std::string json = ErrorJson(absl::NotFoundError(message));
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok())
      << json;
  const auto& error = parsed.fields().at("error").struct_value().fields();
  EXPECT_EQ(error.at("code").number_value(), 404);
  EXPECT_EQ(error.at("status").string_value(), "NOT_FOUND");
  EXPECT_EQ(error.at("message").string_value(), message);
}

TEST(ErrorJson, CanCarryAnHttpCodeChosenOtherwise) {
  const std::string json =
      ErrorJson(absl::ResourceExhaustedError("too big"), 413);
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  const auto& error = parsed.fields().at("error").struct_value().fields();
  EXPECT_EQ(error.at("code").number_value(), 413);
  EXPECT_EQ(error.at("status").string_value(), "RESOURCE_EXHAUSTED");
}

}  // namespace
}  // namespace handin::gateway
