#include "clients/handin/receipt.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "clients/handin/progress.h"
#include "common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handin::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

common::v1::SubmissionRecord SampleRecord() {
  common::v1::SubmissionRecord record;
  record.set_submission_id("sub-000042");
  record.set_course_id("eecs598-w24");
  record.set_item_id("project-report");
  record.set_principal("alice");
  record.set_file_name("report.pdf");
  record.set_size_bytes(1536);
  record.set_sha256_hex(std::string(64, 'a'));
  *record.mutable_started_at() = ToProtoTimestamp(Utc(2024, 5, 1, 21, 59, 58));
  *record.mutable_completed_at() = ToProtoTimestamp(Utc(2024, 5, 1, 22, 0, 3));
  record.mutable_verdict()->set_kind(common::v1::VERDICT_KIND_ON_TIME);
  record.mutable_verdict()->set_reason(
      "due 2024-05-01 18:00 EDT; started 17:59:58 EDT");
  return record;
}

TEST(FormatReceipt, ShowsEveryFieldWithBothInstantsInUtc) {
  const std::string receipt = FormatReceipt(SampleRecord());
  EXPECT_THAT(receipt, HasSubstr("submission sub-000042\n"));
  EXPECT_THAT(receipt, HasSubstr("item       project-report\n"));
  EXPECT_THAT(receipt, HasSubstr("file       report.pdf\n"));
  EXPECT_THAT(receipt, HasSubstr("size       1536 bytes (1.5 KiB)\n"));
  EXPECT_THAT(receipt, HasSubstr("sha256     " + std::string(64, 'a') + "\n"));
  EXPECT_THAT(receipt, HasSubstr("started    2024-05-01T21:59:58Z"));
  EXPECT_THAT(receipt, HasSubstr("completed  2024-05-01T22:00:03Z\n"));
  EXPECT_THAT(receipt, HasSubstr("verdict    on time\n"));
  EXPECT_THAT(receipt, HasSubstr("reason     due 2024-05-01 18:00 EDT; started "
                                 "17:59:58 EDT\n"));
}

TEST(FormatReceipt, ShowsTheContentCheckWhenThereWasOne) {
  EXPECT_THAT(FormatReceipt(SampleRecord()), Not(HasSubstr("content")));
  common::v1::SubmissionRecord record = SampleRecord();
  record.set_media_type("application/pdf");
  record.add_content_warnings("has 10 pages; at most 8 pages allowed");
  const std::string receipt = FormatReceipt(record);
  EXPECT_THAT(receipt, HasSubstr("content    application/pdf\n"));
  EXPECT_THAT(receipt,
              HasSubstr("warning    has 10 pages; at most 8 pages allowed\n"));
}

TEST(FormatStatusTable, ListsContentWarningsBelowTheTable) {
  google::protobuf::RepeatedPtrField<common::v1::SubmissionRecord> records;
  *records.Add() = SampleRecord();
  records[0].add_content_warnings("has 10 pages; at most 8 pages allowed");
  EXPECT_THAT(FormatStatusTable(records),
              HasSubstr("\nwarning: sub-000042 project-report: has 10 pages; "
                        "at most 8 pages allowed\n"));
}

TEST(VerdictLabel, NamesEachKindAndTheLatePenalty) {
  common::v1::Verdict verdict;
  verdict.set_kind(common::v1::VERDICT_KIND_LATE_COUNTED);
  verdict.set_penalty_percent(10);
  EXPECT_EQ(VerdictLabel(verdict), "late, counted (-10%)");
  verdict.set_penalty_percent(0);
  EXPECT_EQ(VerdictLabel(verdict), "late, counted");
  verdict.set_kind(common::v1::VERDICT_KIND_LATE_NOT_COUNTED);
  EXPECT_EQ(VerdictLabel(verdict), "late, not counted");
  verdict.set_kind(common::v1::VERDICT_KIND_REFUSED);
  EXPECT_EQ(VerdictLabel(verdict), "refused");
  EXPECT_EQ(VerdictLabel(common::v1::Verdict()), "unknown");
}

TEST(FormatStatusTable, SaysSoWhenThereAreNoSubmissions) {
  google::protobuf::RepeatedPtrField<common::v1::SubmissionRecord> none;
  EXPECT_EQ(FormatStatusTable(none), "no submissions yet\n");
}

TEST(FormatStatusTable, AlignsColumnsAndShortensTheHash) {
  google::protobuf::RepeatedPtrField<common::v1::SubmissionRecord> records;
  *records.Add() = SampleRecord();
  common::v1::SubmissionRecord late = SampleRecord();
  late.set_submission_id("sub-000043");
  late.set_item_id("summary/2024-03-19");
  late.set_size_bytes(3 << 20);
  late.mutable_verdict()->set_kind(common::v1::VERDICT_KIND_LATE_NOT_COUNTED);
  *records.Add() = late;

  const std::string table = FormatStatusTable(records);
  const std::vector<std::string> lines =
      absl::StrSplit(table, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("ID"));
  EXPECT_THAT(lines[1], HasSubstr("project-report"));
  EXPECT_THAT(lines[1], HasSubstr("2024-05-01T21:59:58Z"));
  EXPECT_THAT(lines[2], HasSubstr("late, not counted"));
  EXPECT_THAT(lines[2], HasSubstr("3.0 MiB"));
  EXPECT_THAT(table, HasSubstr(std::string(12, 'a')));
  EXPECT_THAT(table, Not(HasSubstr(std::string(13, 'a'))));
  // Every column starts at the same place on every line.
  for (const char* header : {"ITEM", "VERDICT", "STARTED", "SHA256"}) {
    const size_t column = lines[0].find(header);
    ASSERT_NE(column, std::string::npos) << header;
    for (size_t i = 1; i < lines.size(); ++i) {
      EXPECT_NE(lines[i][column], ' ') << header << " on line " << i;
      EXPECT_EQ(lines[i][column - 1], ' ') << header << " on line " << i;
    }
  }
}

TEST(FormatRefusedTable, ListsEachAttemptWithItsCodeAndReason) {
  google::protobuf::RepeatedPtrField<common::v1::RefusedAttempt> attempts;
  EXPECT_EQ(FormatRefusedTable(attempts), "");
  common::v1::RefusedAttempt& attempt = *attempts.Add();
  attempt.set_attempt_id("20240501T215958.000000Z");
  attempt.set_item_id("project-report");
  attempt.mutable_started_at()->set_seconds(1714600798);
  attempt.set_bytes_received(1024);
  attempt.set_declared_size_bytes(3 << 20);
  attempt.set_code("DATA_LOSS");
  attempt.set_reason("the upload ended after 1024 of 3145728 bytes");
  const std::vector<std::string> lines =
      absl::StrSplit(FormatRefusedTable(attempts), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("nothing of them was stored"));
  EXPECT_THAT(lines[1], HasSubstr("REASON"));
  EXPECT_EQ(lines[2],
            "20240501T215958.000000Z  project-report  2024-05-01T21:59:58Z  "
            "1.0 KiB of 3.0 MiB  DATA_LOSS  the upload ended after 1024 of "
            "3145728 bytes");
}

TEST(RenderProgress, ShowsPercentRateAndEta) {
  const std::string line = RenderProgress(5 << 20, 10 << 20, absl::Seconds(2),
                                          /*bar_width=*/10);
  EXPECT_THAT(line, HasSubstr("[#####-----]"));
  EXPECT_THAT(line, HasSubstr(" 50%"));
  EXPECT_THAT(line, HasSubstr("5.0 MiB / 10.0 MiB"));
  EXPECT_THAT(line, HasSubstr("2.5 MiB/s"));
  EXPECT_THAT(line, HasSubstr("ETA 0:02"));
}

TEST(RenderProgress, AResumedUploadCountsItsRateFromWhereItResumed) {
  // An earlier attempt sent 8 MiB; this one 1 MiB more in a second.
  const std::string line =
      RenderProgress(9 << 20, 10 << 20, absl::Seconds(1), /*bar_width=*/10,
                     /*resumed_at=*/8 << 20);
  EXPECT_THAT(line, HasSubstr("[#########-]"));
  EXPECT_THAT(line, HasSubstr("9.0 MiB / 10.0 MiB"));
  EXPECT_THAT(line, HasSubstr("1.0 MiB/s"));
  EXPECT_THAT(line, HasSubstr("ETA 0:01"));
}

TEST(RenderProgress, HasNoRateBeforeAnyTimeHasPassed) {
  EXPECT_THAT(RenderProgress(0, 100, absl::ZeroDuration()),
              HasSubstr("ETA --"));
}

}  // namespace
}  // namespace handin::client
