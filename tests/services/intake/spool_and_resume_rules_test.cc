// The resumable spool file (SpoolFile::OpenResumable), the spool sweep, and
// the pure rules of a resume (resume.h), on their own.

#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/proto_time.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/intake/resume.h"
#include "services/intake/spool.h"
#include "tests/testing/temp_dir.h"

namespace handin::intake {
namespace {

using ::handin::testing::TempDir;
using ::testing::HasSubstr;

const SpoolKey kKey{"alice", "eecs598-w24", "key-1"};

TEST(ResumableSpoolPath, DependsOnEveryFieldAndStaysInTheDirectory) {
  const std::string path = ResumableSpoolPath("/spool", kKey);
  EXPECT_THAT(path, ::testing::MatchesRegex("/spool/resumable-[0-9a-f]{64}"));
  EXPECT_NE(path,
            ResumableSpoolPath("/spool", {"bob", "eecs598-w24", "key-1"}));
  EXPECT_NE(path, ResumableSpoolPath("/spool", {"alice", "other", "key-1"}));
  EXPECT_NE(path, ResumableSpoolPath("/spool", {"alice", "eecs598-w24", "k"}));
  // Moving a character from one field to the next names another file.
  EXPECT_NE(ResumableSpoolPath("/spool", {"ab", "c", "k"}),
            ResumableSpoolPath("/spool", {"a", "bc", "k"}));
}

TEST(SpoolFile, AKeptResumableCopyIsReopenedTrimmedAndHashedWhole) {
  TempDir dir;
  {
    auto spool = SpoolFile::OpenResumable(dir.path(), kKey, 10, 0);
    ASSERT_TRUE(spool.ok()) << spool.status();
    ASSERT_TRUE((*spool)->Append("abcdefg").ok());
    (*spool)->Keep();
  }
  // Storage held only 4 bytes: the copy is trimmed to them.
  auto spool = SpoolFile::OpenResumable(dir.path(), kKey, 10, 4);
  ASSERT_TRUE(spool.ok()) << spool.status();
  EXPECT_EQ((*spool)->size(), 4);
  ASSERT_TRUE((*spool)->Append("XYZ").ok());
  EXPECT_TRUE((*spool)->CheckSha256(Sha256::Of("abcdXYZ")).ok());
  const std::string path = (*spool)->path();
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  spool->reset();  // Not kept: removed.
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SpoolFile, AResumeBeyondTheCopyMustStartAgain) {
  TempDir dir;
  auto missing = SpoolFile::OpenResumable(dir.path(), kKey, 10, 4);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(missing.status().message(),
            "intake no longer holds the first 4 bytes of this upload; start "
            "again from 0");
  {
    auto spool = SpoolFile::OpenResumable(dir.path(), kKey, 10, 0);
    ASSERT_TRUE(spool.ok());
    ASSERT_TRUE((*spool)->Append("ab").ok());
    (*spool)->Keep();
  }
  auto shorter = SpoolFile::OpenResumable(dir.path(), kKey, 10, 4);
  EXPECT_EQ(shorter.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SpoolFile, ACopyInUseCannotBeOpenedTwice) {
  TempDir dir;
  auto first = SpoolFile::OpenResumable(dir.path(), kKey, 10, 0);
  ASSERT_TRUE(first.ok());
  auto second = SpoolFile::OpenResumable(dir.path(), kKey, 10, 0);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(SweepSpool, RemovesOnlyOldCopiesNobodyHolds) {
  TempDir dir;
  const std::string old_file = dir.File("upload-old");
  const std::string other = dir.File("notes.txt");
  std::ofstream(old_file) << "x";
  std::ofstream(other) << "x";
  auto held = SpoolFile::OpenResumable(dir.path(), kKey, 10, 0);
  ASSERT_TRUE(held.ok());
  const absl::Time now = absl::Now();

  // A cutoff before the files were written removes nothing.
  EXPECT_EQ(SweepSpool(dir.path(), now - absl::Hours(1)), 0);
  // A cutoff after them removes the old copy nobody holds, and leaves the
  // held copy and files that are not spool copies.
  EXPECT_EQ(SweepSpool(dir.path(), now + absl::Hours(1)), 1);
  EXPECT_FALSE(std::filesystem::exists(old_file));
  EXPECT_TRUE(std::filesystem::exists((*held)->path()));
  EXPECT_TRUE(std::filesystem::exists(other));
  EXPECT_EQ(SweepSpool(dir.File("missing"), now), 0);
}

v1::UploadMetadata Resuming(int64_t offset) {
  v1::UploadMetadata metadata;
  metadata.set_course_id("eecs598-w24");
  metadata.set_item_id("project-report");
  metadata.set_size_bytes(100);
  metadata.set_sha256_hex(std::string(64, 'a'));
  metadata.set_idempotency_key("key-1");
  metadata.set_resume_offset(offset);
  return metadata;
}

storage::v1::QueryUploadResponse Staged(int64_t bytes, absl::Time started) {
  storage::v1::QueryUploadResponse held;
  storage::v1::StagedUpload& staged = *held.mutable_staged();
  staged.set_item_id("project-report");
  staged.set_size_bytes(100);
  staged.set_sha256_hex(std::string(64, 'a'));
  staged.set_staged_bytes(bytes);
  *staged.mutable_started_at() = ToProtoTimestamp(started);
  return held;
}

TEST(CheckResume, AMatchingStagedUploadGivesItsStart) {
  const absl::Time started = absl::FromUnixSeconds(1714600000);
  absl::StatusOr<Resumption> resumption =
      CheckResume(Resuming(40), Staged(40, started));
  ASSERT_TRUE(resumption.ok()) << resumption.status();
  EXPECT_FALSE(resumption->stored.has_value());
  EXPECT_EQ(resumption->started_at, started);
}

TEST(CheckResume, AStoredSubmissionOfTheSameContentIsReplayed) {
  storage::v1::QueryUploadResponse held;
  held.mutable_record()->set_submission_id("sub-1");
  held.mutable_record()->set_item_id("project-report");
  held.mutable_record()->set_size_bytes(100);
  held.mutable_record()->set_sha256_hex(std::string(64, 'a'));
  absl::StatusOr<Resumption> resumption = CheckResume(Resuming(40), held);
  ASSERT_TRUE(resumption.ok());
  EXPECT_EQ(resumption->stored->submission_id(), "sub-1");
}

TEST(CheckResume, AnotherOffsetOrOtherContentIsAFailedPrecondition) {
  const absl::Time started = absl::FromUnixSeconds(1714600000);
  EXPECT_THAT(CheckResume(Resuming(30), Staged(40, started)).status().message(),
              HasSubstr("resume from 40"));
  EXPECT_THAT(CheckResume(Resuming(30), Staged(0, started)).status().message(),
              HasSubstr("start again from 0"));
  v1::UploadMetadata other = Resuming(40);
  other.set_item_id("project-code");
  EXPECT_EQ(CheckResume(other, Staged(40, started)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckResume(Resuming(40), {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(WriteStatusOf, ReportsStagedBytesUnlessTheSpoolCopyIsShorter) {
  const absl::Time started = absl::FromUnixSeconds(1714600000);
  EXPECT_EQ(WriteStatusOf(Staged(40, started), std::nullopt).committed_size(),
            40);
  EXPECT_EQ(WriteStatusOf(Staged(40, started), 50).committed_size(), 40);
  const v1::QueryWriteStatusResponse short_copy =
      WriteStatusOf(Staged(40, started), 30);
  EXPECT_EQ(short_copy.committed_size(), 0);
  EXPECT_FALSE(short_copy.has_started_at());
  EXPECT_EQ(
      FromProtoTimestamp(WriteStatusOf(Staged(40, started), 40).started_at()),
      started);
  EXPECT_EQ(WriteStatusOf({}, std::nullopt).committed_size(), 0);
}

TEST(CheckResumeWindow, RefusesOnlyOnceTheWindowHasPassed) {
  const absl::Time start = absl::FromUnixSeconds(1714600000);
  EXPECT_TRUE(
      CheckResumeWindow(start, start + absl::Minutes(29), absl::Minutes(30))
          .ok());
  EXPECT_EQ(
      CheckResumeWindow(start, start + absl::Minutes(30), absl::Minutes(30))
          .code(),
      absl::StatusCode::kFailedPrecondition);
  // No window: never too late to resume.
  EXPECT_TRUE(
      CheckResumeWindow(start, start + absl::Hours(100), absl::ZeroDuration())
          .ok());
}

TEST(MayResumeAfter, OnlyABrokenStreamOrAnUnreachableService) {
  EXPECT_TRUE(MayResumeAfter(absl::CancelledError("gone")));
  EXPECT_TRUE(MayResumeAfter(absl::UnavailableError("storage down")));
  EXPECT_FALSE(MayResumeAfter(absl::OkStatus()));
  EXPECT_FALSE(MayResumeAfter(absl::InvalidArgumentError("not a PDF")));
  EXPECT_FALSE(MayResumeAfter(absl::DeadlineExceededError("idle")));
}

}  // namespace
}  // namespace handin::intake
