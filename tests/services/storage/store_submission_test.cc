// StoreSubmission: a whole small upload in one call, with PutSubmission's
// checks, idempotency and durability, and nothing staged on any failure.

#include <string>
#include <utility>

#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"
#include "tests/services/storage/storage_service_fixture.h"
#include "tests/services/storage/storage_test_util.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::testing::CountKeys;
using ::handin::storage::testing::ListOverGrpc;
using ::handin::storage::testing::PutOverGrpc;
using ::handin::storage::testing::ReadOverGrpc;
using ::handin::storage::testing::ReadResult;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kCourse[] = "eecs598-w24";

class StoreSubmissionTest
    : public ::handin::storage::testing::StorageServiceFixture {
 protected:
  grpc::Status Store(const SubmissionRecord& record, const std::string& bytes,
                     v1::PutSubmissionResponse* response) {
    v1::StoreSubmissionRequest request;
    *request.mutable_record() = record;
    request.set_content(bytes);
    grpc::ClientContext context;
    return stub_->StoreSubmission(&context, request, response);
  }

  // Stops the store and returns how many chunk keys and staging entries
  // it holds (committed blobs keep their chunks; nothing else may).
  std::pair<int, int> ChunksAndStaged() {
    Stop();
    return {CountKeys(dir_.path(), keys::ChunkPrefix()),
            CountKeys(dir_.path(), keys::StagedPrefix())};
  }
};

TEST_F(StoreSubmissionTest, StoresTheBytesAndTheRecordDurably) {
  const std::string bytes = TestBytes(1000, 1);
  v1::PutSubmissionResponse response;
  const grpc::Status status =
      Store(RecordFor(kCourse, "report", "ann", bytes), bytes, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.replayed());
  EXPECT_FALSE(response.record().submission_id().empty());
  EXPECT_FALSE(response.record().audit_hash_hex().empty());
  const ReadResult read =
      ReadOverGrpc(*stub_, kCourse, response.record().submission_id());
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_EQ(read.bytes, bytes);
  EXPECT_EQ(ChunksAndStaged(), std::make_pair(1, 0));
}

TEST_F(StoreSubmissionTest, AnEmptyFileIsStored) {
  v1::PutSubmissionResponse response;
  const grpc::Status status =
      Store(RecordFor(kCourse, "report", "ann", ""), "", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.record().sha256_hex(), Sha256::Of(""));
}

TEST_F(StoreSubmissionTest, AKeyAlreadyUsedIsReplayedOrRefusedAsOnAStream) {
  const std::string bytes = TestBytes(700, 2);
  SubmissionRecord record = RecordFor(kCourse, "report", "ann", bytes);
  record.set_idempotency_key("k1");
  // The first copy came over a stream; the retry in one call.
  absl::StatusOr<SubmissionRecord> first =
      PutOverGrpc(*stub_, record, bytes, 256);
  ASSERT_TRUE(first.ok()) << first.status();
  v1::PutSubmissionResponse again;
  ASSERT_TRUE(Store(record, bytes, &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.record().submission_id(), first->submission_id());

  const std::string other = TestBytes(700, 3);
  SubmissionRecord conflicting = RecordFor(kCourse, "report", "ann", other);
  conflicting.set_idempotency_key("k1");
  v1::PutSubmissionResponse refused;
  const grpc::Status status = Store(conflicting, other, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr(Sha256::Of(other)));
  EXPECT_EQ(ListOverGrpc(*stub_, kCourse).size(), 1u);
  // The first copy's three chunks; the later calls' were deleted.
  EXPECT_EQ(ChunksAndStaged(), std::make_pair(3, 0));
}

TEST_F(StoreSubmissionTest, BytesThatDoNotMatchTheRecordAreDataLoss) {
  const std::string bytes = TestBytes(500, 4);
  v1::PutSubmissionResponse response;
  const grpc::Status status = Store(RecordFor(kCourse, "report", "ann", bytes),
                                    TestBytes(500, 5), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
  EXPECT_EQ(ChunksAndStaged(), std::make_pair(0, 0));
}

TEST_F(StoreSubmissionTest, MalformedRequestsAreInvalidArguments) {
  const std::string bytes = TestBytes(100, 6);
  v1::PutSubmissionResponse response;
  EXPECT_EQ(Store(RecordFor("", "report", "ann", bytes), bytes, &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Store(RecordFor(kCourse, "", "ann", bytes), bytes, &response)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Over the server's message limit (4 MiB): such files take PutSubmission.
  const std::string big(size_t{4} << 20, 'x');
  const grpc::Status status =
      Store(RecordFor(kCourse, "report", "ann", big), big, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
  EXPECT_EQ(ChunksAndStaged(), std::make_pair(0, 0));
}

}  // namespace
}  // namespace handin::storage
