#include "tests/services/storage/storage_test_util.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "common/sha256.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "services/storage/database.h"
#include "services/storage/keys.h"

namespace handin::storage::testing {
namespace {

using handin::common::v1::Chunk;
using handin::common::v1::SubmissionRecord;
using handin::storage::v1::ListSubmissionsRequest;
using handin::storage::v1::ListSubmissionsResponse;
using handin::storage::v1::PutSubmissionRequest;
using handin::storage::v1::PutSubmissionResponse;
using handin::storage::v1::ReadSubmissionRequest;
using handin::storage::v1::StorageService;

std::unique_ptr<Database> OpenRaw(const std::string& dir, bool read_only) {
  absl::StatusOr<std::unique_ptr<Database>> db =
      read_only ? Database::OpenReadOnly(dir) : Database::Open(dir, {});
  EXPECT_TRUE(db.ok()) << "raw open of " << dir << ": " << db.status();
  return db.ok() ? *std::move(db) : nullptr;
}

// The column family keys like `key` live in; fails the test if none.
rocksdb::ColumnFamilyHandle* FamilyOf(const Database& db,
                                      const std::string& key) {
  rocksdb::ColumnFamilyHandle* family = db.Family(keys::ColumnFamilyOf(key));
  EXPECT_NE(family, nullptr)
      << "no column family holds keys like \"" << absl::CHexEscape(key) << "\"";
  return family;
}

}  // namespace

std::string TestBytes(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint64_t state = 0x9e3779b97f4a7c15ULL * (seed + 1);
  for (size_t i = 0; i < size; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    out[i] = static_cast<char>(state & 0xff);
  }
  return out;
}

absl::StatusOr<SubmissionRecord> PutInStore(SubmissionStore& store,
                                            const SubmissionRecord& record,
                                            const std::string& bytes,
                                            size_t chunk_size, bool* replayed) {
  auto upload = store.BeginUpload(record.course_id());
  if (!upload.ok()) return upload.status();
  for (size_t offset = 0; offset < bytes.size(); offset += chunk_size) {
    absl::Status appended =
        store.AppendChunk(**upload, static_cast<int64_t>(offset),
                          bytes.substr(offset, chunk_size));
    if (!appended.ok()) return appended;
  }
  return store.Commit(**upload, record, replayed);
}

v1::PutHeader ResumableHeader(const SubmissionRecord& record,
                              absl::Time started_at, int64_t resume_offset) {
  v1::PutHeader header;
  header.set_course_id(record.course_id());
  header.set_resume_offset(resume_offset);
  v1::StagedUpload& resumable = *header.mutable_resumable();
  resumable.set_course_id(record.course_id());
  resumable.set_principal(record.principal());
  resumable.set_idempotency_key(record.idempotency_key());
  resumable.set_item_id(record.item_id());
  resumable.set_size_bytes(record.size_bytes());
  resumable.set_sha256_hex(record.sha256_hex());
  *resumable.mutable_started_at() = ToProtoTimestamp(started_at);
  return header;
}

SubmissionRecord RecordFor(const std::string& course, const std::string& item,
                           const std::string& principal,
                           const std::string& bytes) {
  SubmissionRecord record;
  record.set_course_id(course);
  record.set_item_id(item);
  record.set_principal(principal);
  record.set_file_name("report.pdf");
  record.set_size_bytes(static_cast<int64_t>(bytes.size()));
  record.set_sha256_hex(Sha256::Of(bytes));
  return record;
}

std::vector<std::string> KeysUnder(const std::string& dir,
                                   const std::string& prefix) {
  std::vector<std::string> keys;
  std::unique_ptr<Database> db = OpenRaw(dir, /*read_only=*/true);
  if (db == nullptr || FamilyOf(*db, prefix) == nullptr) return keys;
  std::unique_ptr<rocksdb::Iterator> it(
      db->db().NewIterator(rocksdb::ReadOptions(), FamilyOf(*db, prefix)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    keys.push_back(it->key().ToString());
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return keys;
}

int CountKeys(const std::string& dir, const std::string& prefix) {
  return static_cast<int>(KeysUnder(dir, prefix).size());
}

void PutRaw(const std::string& dir, const std::string& key,
            const std::string& value) {
  std::unique_ptr<Database> db = OpenRaw(dir, /*read_only=*/false);
  if (db == nullptr || FamilyOf(*db, key) == nullptr) return;
  rocksdb::WriteOptions sync;
  sync.sync = true;
  EXPECT_TRUE(db->db().Put(sync, FamilyOf(*db, key), key, value).ok());
}

void DeleteRaw(const std::string& dir, const std::string& key) {
  std::unique_ptr<Database> db = OpenRaw(dir, /*read_only=*/false);
  if (db == nullptr || FamilyOf(*db, key) == nullptr) return;
  rocksdb::WriteOptions sync;
  sync.sync = true;
  EXPECT_TRUE(db->db().Delete(sync, FamilyOf(*db, key), key).ok());
}

std::string GetRaw(const std::string& dir, const std::string& key) {
  std::unique_ptr<Database> db = OpenRaw(dir, /*read_only=*/true);
  std::string value;
  if (db != nullptr && FamilyOf(*db, key) != nullptr) {
    (void)db->db().Get(rocksdb::ReadOptions(), FamilyOf(*db, key), key, &value);
  }
  return value;
}

absl::StatusOr<SubmissionRecord> PutOverGrpc(
    StorageService::StubInterface& stub, const SubmissionRecord& record,
    const std::string& bytes, size_t chunk_size) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  PutSubmissionResponse response;
  std::unique_ptr<grpc::ClientWriterInterface<PutSubmissionRequest>> writer =
      stub.PutSubmission(&context, &response);
  PutSubmissionRequest request;
  request.mutable_header()->set_course_id(record.course_id());
  bool open = writer->Write(request);
  for (size_t offset = 0; open && offset < bytes.size(); offset += chunk_size) {
    request.mutable_chunk()->set_offset(static_cast<int64_t>(offset));
    request.mutable_chunk()->set_data(bytes.substr(offset, chunk_size));
    open = writer->Write(request);
  }
  if (open) {
    *request.mutable_commit()->mutable_record() = record;
    open = writer->Write(request);
  }
  if (open) writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return response.record();
}

ReadResult ReadOverGrpc(StorageService::StubInterface& stub,
                        const std::string& course,
                        const std::string& submission_id) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  ReadSubmissionRequest request;
  request.set_course_id(course);
  request.set_submission_id(submission_id);
  std::unique_ptr<grpc::ClientReaderInterface<Chunk>> reader =
      stub.ReadSubmission(&context, request);
  ReadResult result;
  Chunk chunk;
  while (reader->Read(&chunk)) {
    if (chunk.offset() != static_cast<int64_t>(result.bytes.size())) {
      result.offsets_contiguous = false;
    }
    result.chunk_sizes.push_back(chunk.data().size());
    result.bytes += chunk.data();
  }
  result.status = FromGrpcStatus(reader->Finish());
  return result;
}

std::vector<SubmissionRecord> ListOverGrpc(StorageService::StubInterface& stub,
                                           const std::string& course,
                                           const std::string& item,
                                           const std::string& principal) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  ListSubmissionsRequest request;
  request.set_course_id(course);
  request.set_item_id(item);
  request.set_principal(principal);
  ListSubmissionsResponse response;
  grpc::Status status = stub.ListSubmissions(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.submissions().begin(), response.submissions().end()};
}

}  // namespace handin::storage::testing
