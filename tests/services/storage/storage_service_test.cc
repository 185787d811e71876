#include "services/storage/storage_service.h"

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "common/executor.h"
#include "common/server_runner.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"
#include "services/storage/submission_store.h"
#include "tests/services/storage/storage_service_fixture.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_auth.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::testing::CountKeys;
using ::handin::storage::testing::KeysUnder;
using ::handin::storage::testing::ListOverGrpc;
using ::handin::storage::testing::PutOverGrpc;
using ::handin::storage::testing::ReadOverGrpc;
using ::handin::storage::testing::ReadResult;
using ::handin::storage::testing::RecordFor;
using ::handin::storage::testing::TestBytes;
using ::handin::storage::v1::GetSubmissionRequest;
using ::handin::storage::v1::ListSubmissionsRequest;
using ::handin::storage::v1::ListSubmissionsResponse;
using ::handin::storage::v1::PutSubmissionRequest;
using ::handin::storage::v1::PutSubmissionResponse;
using ::handin::storage::v1::StorageService;
using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Le;

constexpr char kCourse[] = "eecs598-w24";
constexpr size_t kChunk = 64 << 10;

PutSubmissionRequest Header(const std::string& course = kCourse) {
  PutSubmissionRequest request;
  request.mutable_header()->set_course_id(course);
  return request;
}

PutSubmissionRequest ChunkAt(int64_t offset, const std::string& data) {
  PutSubmissionRequest request;
  request.mutable_chunk()->set_offset(offset);
  request.mutable_chunk()->set_data(data);
  return request;
}

PutSubmissionRequest CommitOf(const SubmissionRecord& record) {
  PutSubmissionRequest request;
  *request.mutable_commit()->mutable_record() = record;
  return request;
}

using StorageServiceTest = ::handin::storage::testing::StorageServiceFixture;

TEST_F(StorageServiceTest, PutListAndReadRoundTripTheBytes) {
  const std::string bytes = TestBytes(2 * (1 << 20) + 4321, 1);
  auto committed =
      PutOverGrpc(*stub_, RecordFor(kCourse, "project-report", "ann", bytes),
                  bytes, 100 << 10);
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_FALSE(committed->submission_id().empty());
  EXPECT_EQ(committed->course_id(), kCourse);

  std::vector<SubmissionRecord> listed = ListOverGrpc(*stub_, kCourse);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].SerializeAsString(), committed->SerializeAsString());

  grpc::ClientContext context;
  GetSubmissionRequest get;
  get.set_course_id(kCourse);
  get.set_submission_id(committed->submission_id());
  SubmissionRecord got;
  ASSERT_TRUE(stub_->GetSubmission(&context, get, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), committed->SerializeAsString());

  ReadResult read = ReadOverGrpc(*stub_, kCourse, committed->submission_id());
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_TRUE(read.offsets_contiguous);
  EXPECT_THAT(read.chunk_sizes, Each(Le(kReadPieceBytes)));
  EXPECT_EQ(read.chunk_sizes.size(), bytes.size() / kReadPieceBytes + 1);
  EXPECT_EQ(Sha256::Of(read.bytes), committed->sha256_hex());
  EXPECT_TRUE(read.bytes == bytes);
}

TEST_F(StorageServiceTest, ChunkBeforeHeaderIsFailedPrecondition) {
  grpc::Status status = SendRaw({ChunkAt(0, "hello")});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("chunk before header"));
  status = SendRaw({CommitOf(RecordFor(kCourse, "q", "ann", ""))});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
}

TEST_F(StorageServiceTest, OutOfOrderStreamsAreRejected) {
  EXPECT_EQ(SendRaw({Header(), Header()}).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(SendRaw({Header(), PutSubmissionRequest()}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(SendRaw({Header("")}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  SubmissionRecord with_id = RecordFor(kCourse, "q", "ann", "x");
  with_id.set_submission_id("chosen-by-client");
  EXPECT_EQ(
      SendRaw({Header(), ChunkAt(0, "x"), CommitOf(with_id)}).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
}

TEST_F(StorageServiceTest, BadOffsetIsInvalidArgumentNamingBoth) {
  grpc::Status status =
      SendRaw({Header(), ChunkAt(0, "hello "), ChunkAt(7, "world"),
               CommitOf(RecordFor(kCourse, "q", "ann", "hello world"))});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              AllOf(HasSubstr("offset is 7"), HasSubstr("expected offset 6")));
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
}

TEST_F(StorageServiceTest, HashMismatchIsDataLossAndStoresNothing) {
  const std::string bytes = TestBytes(3 * kChunk, 2);
  SubmissionRecord record = RecordFor(kCourse, "summary", "ann", bytes);
  record.set_sha256_hex(Sha256::Of("what the client meant to send"));
  auto committed = PutOverGrpc(*stub_, record, bytes, kChunk);
  EXPECT_EQ(committed.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(
      committed.status().message(),
      AllOf(HasSubstr(Sha256::Of(bytes)), HasSubstr(record.sha256_hex())));
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
  Stop();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
}

TEST_F(StorageServiceTest, StreamEndingWithoutCommitStoresNothing) {
  grpc::Status status = SendRaw({Header(), ChunkAt(0, TestBytes(kChunk, 3))});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("without a commit"));
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
  Stop();
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
}

TEST_F(StorageServiceTest, ClientCancellingMidStreamStoresNothing) {
  grpc::ClientContext context;
  PutSubmissionResponse response;
  auto writer = stub_->PutSubmission(&context, &response);
  ASSERT_TRUE(writer->Write(Header()));
  // Enough bytes that flow control makes the server stage most of them
  // before the last Write returns.
  const std::string bytes = TestBytes(24 * kChunk, 4);
  for (size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    ASSERT_TRUE(writer->Write(ChunkAt(offset, bytes.substr(offset, kChunk))));
  }
  context.TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_THAT(ListOverGrpc(*stub_, kCourse), IsEmpty());
  Stop();  // waits for the reactor to finish cleaning up
  EXPECT_EQ(CountKeys(dir_.path(), keys::ChunkPrefix()), 0);
}

TEST_F(StorageServiceTest, ListFiltersByItemAndPrincipal) {
  for (const auto& [item, who] :
       std::vector<std::pair<std::string, std::string>>{
           {"summary", "ann"}, {"slides", "ann"}, {"summary", "bob"}}) {
    clock_.Advance(absl::Seconds(1));
    const std::string bytes = item + who;
    ASSERT_TRUE(
        PutOverGrpc(*stub_, RecordFor(kCourse, item, who, bytes), bytes, kChunk)
            .ok());
  }
  std::vector<std::string> principals;
  for (const auto& r : ListOverGrpc(*stub_, kCourse, "summary")) {
    principals.push_back(r.principal());
  }
  EXPECT_THAT(principals, ElementsAre("ann", "bob"));
  std::vector<std::string> items;
  for (const auto& r : ListOverGrpc(*stub_, kCourse, "", "ann")) {
    items.push_back(r.item_id());
  }
  EXPECT_THAT(items, ElementsAre("summary", "slides"));
}

TEST_F(StorageServiceTest, EmptyCourseIsInvalidArgumentAndUnknownIsNotFound) {
  grpc::ClientContext list_context;
  ListSubmissionsResponse listed;
  EXPECT_EQ(
      stub_->ListSubmissions(&list_context, ListSubmissionsRequest(), &listed)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext get_context;
  GetSubmissionRequest get;
  get.set_submission_id("20240501T220000.000000Z");
  SubmissionRecord record;
  EXPECT_EQ(stub_->GetSubmission(&get_context, get, &record).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext unknown_context;
  get.set_course_id(kCourse);
  EXPECT_EQ(stub_->GetSubmission(&unknown_context, get, &record).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ReadOverGrpc(*stub_, kCourse, "nope").status.code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadOverGrpc(*stub_, "", "nope").status.code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StorageServiceTest, ReadingCorruptedBytesEndsWithDataLoss) {
  const std::string bytes = TestBytes(16 * kChunk, 5);
  auto committed = PutOverGrpc(
      *stub_, RecordFor(kCourse, "project-code", "ann", bytes), bytes, kChunk);
  ASSERT_TRUE(committed.ok()) << committed.status();
  Stop();
  const std::vector<std::string> chunks =
      KeysUnder(dir_.path(), keys::ChunkPrefix());
  ASSERT_EQ(chunks.size(), 16u);
  std::string tampered = bytes.substr(9 * kChunk, kChunk);
  tampered[0] ^= 0x40;
  testing::PutRaw(dir_.path(), chunks[9], tampered);
  Start();

  ReadResult read = ReadOverGrpc(*stub_, kCourse, committed->submission_id());
  EXPECT_EQ(read.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(read.status.message(), HasSubstr(committed->sha256_hex()));
  EXPECT_LT(read.bytes.size(), bytes.size());
}

// Puts `bytes` as `record` in one chunk; returns the call's status.
grpc::Status PutWithResponse(StorageService::Stub& stub,
                             const SubmissionRecord& record,
                             const std::string& bytes,
                             PutSubmissionResponse* response) {
  grpc::ClientContext context;
  auto writer = stub.PutSubmission(&context, response);
  writer->Write(Header());
  writer->Write(ChunkAt(0, bytes));
  writer->Write(CommitOf(record));
  writer->WritesDone();
  return writer->Finish();
}

TEST_F(StorageServiceTest, ARetriedPutIsReplayedAndLookupFindsIt) {
  const std::string bytes = TestBytes(1000, 3);
  SubmissionRecord record = RecordFor(kCourse, "report", "ann", bytes);
  record.set_idempotency_key("k1");
  PutSubmissionResponse first;
  ASSERT_TRUE(PutWithResponse(*stub_, record, bytes, &first).ok());
  EXPECT_FALSE(first.replayed());
  PutSubmissionResponse second;
  ASSERT_TRUE(PutWithResponse(*stub_, record, bytes, &second).ok());
  EXPECT_TRUE(second.replayed());
  EXPECT_EQ(second.record().submission_id(), first.record().submission_id());

  v1::LookupIdempotencyKeyRequest lookup;
  lookup.set_course_id(kCourse);
  lookup.set_principal("ann");
  lookup.set_idempotency_key("k1");
  v1::LookupIdempotencyKeyResponse found;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->LookupIdempotencyKey(&context, lookup, &found).ok());
  EXPECT_EQ(found.record().submission_id(), first.record().submission_id());
  lookup.set_principal("bob");
  grpc::ClientContext other;
  found.Clear();
  ASSERT_TRUE(stub_->LookupIdempotencyKey(&other, lookup, &found).ok());
  EXPECT_FALSE(found.has_record());

  const std::string changed = TestBytes(1000, 4);
  SubmissionRecord conflicting = RecordFor(kCourse, "report", "ann", changed);
  conflicting.set_idempotency_key("k1");
  PutSubmissionResponse refused;
  const grpc::Status status =
      PutWithResponse(*stub_, conflicting, changed, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr(Sha256::Of(changed)));
  EXPECT_EQ(ListOverGrpc(*stub_, kCourse).size(), 1u);
}

TEST_F(StorageServiceTest, RefusalsAreRecordedAndListedByItemAndPrincipal) {
  v1::RecordRefusalRequest request;
  common::v1::RefusedAttempt& attempt = *request.mutable_attempt();
  attempt.set_course_id(kCourse);
  attempt.set_item_id("report");
  attempt.set_principal("ann");
  attempt.set_code("DATA_LOSS");
  attempt.set_reason("short by 3 bytes");
  v1::RecordRefusalResponse recorded;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->RecordRefusal(&context, request, &recorded).ok());
  EXPECT_FALSE(recorded.attempt().attempt_id().empty());

  for (const auto& [item, principal, expected] :
       {std::tuple<const char*, const char*, int>{"report", "", 1},
        {"", "ann", 1},
        {"", "bob", 0},
        {"slides", "", 0}}) {
    v1::ListRefusalsRequest list;
    list.set_course_id(kCourse);
    list.set_item_id(item);
    list.set_principal(principal);
    v1::ListRefusalsResponse listed;
    grpc::ClientContext list_context;
    ASSERT_TRUE(stub_->ListRefusals(&list_context, list, &listed).ok());
    EXPECT_EQ(listed.attempts_size(), expected) << item << "/" << principal;
  }

  grpc::ClientContext empty_context;
  v1::RecordRefusalRequest empty;
  EXPECT_EQ(stub_->RecordRefusal(&empty_context, empty, &recorded).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// A resumable header for `bytes`, uploaded by ann under `key`.
PutSubmissionRequest ResumableHeader(const std::string& bytes,
                                     const std::string& key,
                                     int64_t resume_offset) {
  SubmissionRecord record = RecordFor(kCourse, "project-report", "ann", bytes);
  record.set_idempotency_key(key);
  PutSubmissionRequest request;
  *request.mutable_header() = testing::ResumableHeader(
      record, absl::FromUnixSeconds(1714600000), resume_offset);
  return request;
}

TEST_F(StorageServiceTest, AResumableUploadBrokenOffResumesOverANewStream) {
  const std::string bytes = TestBytes(3 * kChunk + 7, 8);
  grpc::Status broken = SendRaw(
      {ResumableHeader(bytes, "k", 0), ChunkAt(0, bytes.substr(0, kChunk)),
       ChunkAt(kChunk, bytes.substr(kChunk, kChunk))});
  EXPECT_EQ(broken.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  v1::QueryUploadRequest query;
  query.set_course_id(kCourse);
  query.set_principal("ann");
  query.set_idempotency_key("k");
  v1::QueryUploadResponse staged;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->QueryUpload(&context, query, &staged).ok());
  }
  ASSERT_TRUE(staged.has_staged());
  EXPECT_FALSE(staged.has_record());
  EXPECT_EQ(staged.staged().staged_bytes(), 2 * kChunk);

  SubmissionRecord record = RecordFor(kCourse, "project-report", "ann", bytes);
  record.set_idempotency_key("k");
  grpc::Status resumed = SendRaw({ResumableHeader(bytes, "k", 2 * kChunk),
                                  ChunkAt(2 * kChunk, bytes.substr(2 * kChunk)),
                                  CommitOf(record)});
  ASSERT_TRUE(resumed.ok()) << resumed.error_message();
  v1::QueryUploadResponse committed;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->QueryUpload(&context, query, &committed).ok());
  }
  EXPECT_FALSE(committed.has_staged());
  ASSERT_TRUE(committed.has_record());
  ReadResult read =
      ReadOverGrpc(*stub_, kCourse, committed.record().submission_id());
  ASSERT_TRUE(read.status.ok()) << read.status;
  EXPECT_TRUE(read.bytes == bytes);
}

TEST_F(StorageServiceTest, ResumeErrorsReachTheClientWithTheirCodes) {
  const std::string bytes = TestBytes(kChunk, 9);
  PutSubmissionRequest not_resumable = Header();
  not_resumable.mutable_header()->set_resume_offset(kChunk);
  EXPECT_EQ(SendRaw({not_resumable}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status nothing_staged =
      SendRaw({ResumableHeader(bytes, "k", 100), ChunkAt(100, "x")});
  EXPECT_EQ(nothing_staged.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(nothing_staged.error_message(), HasSubstr("nothing is staged"));

  v1::QueryUploadRequest no_key;
  no_key.set_course_id(kCourse);
  no_key.set_principal("ann");
  v1::QueryUploadResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(stub_->QueryUpload(&context, no_key, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace handin::storage
