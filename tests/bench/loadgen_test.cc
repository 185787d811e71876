// The load generator's files are real files of their kind (handin's own
// inspector accepts them under the reference course's rules), read the
// same at any offset, and differ by seed; its plan bunches arrivals towards
// the deadline; its bench course loads in the deadline service's loader.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/loadgen/bench_course.h"
#include "bench/loadgen/content.h"
#include "bench/loadgen/plan.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/deadline/policy_loader.h"
#include "services/inspect/inspector.h"
#include "tests/testing/temp_dir.h"

namespace handin::bench {
namespace {

using ::handin::testing::TempDir;

std::string WholeFile(const GeneratedFile& file) {
  std::string bytes(static_cast<size_t>(file.size_bytes()), '\0');
  EXPECT_EQ(file.Read(0, bytes.data(), bytes.size()), bytes.size());
  return bytes;
}

// Writes `file` under `dir` and returns its path.
std::string WriteOut(const TempDir& dir, const GeneratedFile& file) {
  const std::string path = dir.File(file.file_name());
  std::ofstream out(path, std::ios::binary);
  const std::string bytes = WholeFile(file);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

deadline::v1::CoursePolicy ReferenceCourse() {
  const std::string path =
      handin::testing::SourceDir() + "/config/courses/eecs598-w24.textproto";
  absl::StatusOr<std::string> text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << text.status();
  absl::StatusOr<deadline::v1::CoursePolicy> policy =
      deadline::ParseCoursePolicy(text.value_or(""), path);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.value_or(deadline::v1::CoursePolicy());
}

// The content rule of the reference course's item `id`.
deadline::v1::ContentRule RuleOf(const std::string& id) {
  const deadline::v1::CoursePolicy course = ReferenceCourse();
  for (const deadline::v1::Item& item : course.items()) {
    if (item.item_id() == id) return item.content();
  }
  ADD_FAILURE() << "no item " << id;
  return {};
}

TEST(GeneratedFile, APdfPassesTheReportsContentRule) {
  TempDir dir;
  const GeneratedFile pdf =
      GeneratedFile::Make(FileKind::kPdf, 300 << 10, 11, "s00001");
  auto report = inspect::Inspect(WriteOut(dir, pdf), RuleOf(kReportItem));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->accepted()) << report->refusal();
  EXPECT_EQ(report->media_type(), "application/pdf");
  EXPECT_NEAR(pdf.size_bytes(), 300 << 10, 16 << 10);
}

TEST(GeneratedFile, AZipPassesTheCodeContentRule) {
  TempDir dir;
  const GeneratedFile zip =
      GeneratedFile::Make(FileKind::kZip, 200 << 10, 12, "s00002");
  auto report = inspect::Inspect(WriteOut(dir, zip), RuleOf(kCodeItem));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->accepted()) << report->refusal();
  EXPECT_EQ(report->media_type(), "application/zip");
}

TEST(GeneratedFile, AQuestionIsOneKibOfTextNamingItsAuthor) {
  const GeneratedFile question =
      GeneratedFile::Make(FileKind::kQuestion, 0, 13, "s00003");
  const std::string text = WholeFile(question);
  EXPECT_EQ(text.size(), 1024u);
  EXPECT_THAT(text, ::testing::HasSubstr("s00003"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(GeneratedFile, ItsDigestIsTheSha256OfItsBytes) {
  for (FileKind kind : {FileKind::kQuestion, FileKind::kPdf, FileKind::kZip}) {
    const GeneratedFile file = GeneratedFile::Make(kind, 100 << 10, 14, "a");
    EXPECT_EQ(file.sha256_hex(), Sha256::Of(WholeFile(file)))
        << FileKindName(kind);
  }
}

TEST(GeneratedFile, ReadsFromAnyOffsetMatchTheWholeFile) {
  const GeneratedFile zip =
      GeneratedFile::Make(FileKind::kZip, 100 << 10, 15, "s00004");
  const std::string whole = WholeFile(zip);
  std::string pieces;
  // Odd sizes cross every boundary between literal and random pieces and
  // start the random stream mid-word.
  for (int64_t at = 0; at < zip.size_bytes();) {
    char buffer[997];
    const size_t n = zip.Read(at, buffer, sizeof(buffer));
    ASSERT_GT(n, 0u);
    pieces.append(buffer, n);
    at += static_cast<int64_t>(n);
  }
  EXPECT_TRUE(pieces == whole);
  char past_end[8];
  EXPECT_EQ(zip.Read(zip.size_bytes(), past_end, sizeof(past_end)), 0u);
}

TEST(GeneratedFile, SeedsMakeDifferentFiles) {
  const GeneratedFile a =
      GeneratedFile::Make(FileKind::kPdf, 100 << 10, 1, "x");
  const GeneratedFile b =
      GeneratedFile::Make(FileKind::kPdf, 100 << 10, 2, "x");
  EXPECT_NE(a.sha256_hex(), b.sha256_hex());
}

TEST(Plan, ArrivalsBunchTowardsTheDeadline) {
  PlanOptions options;
  options.students = 10;
  options.uploads = 1000;
  options.duration = absl::Seconds(100);
  const std::vector<PlannedUpload> plan = MakePlan(options);
  ASSERT_EQ(plan.size(), 1000u);
  int in_last_third = 0;
  for (size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(plan[i].student, static_cast<int>(i % 10));
    EXPECT_LT(plan[i].arrival, options.duration);
    if (i > 0) EXPECT_GE(plan[i].arrival, plan[i - 1].arrival);
    if (plan[i].arrival >= absl::Seconds(200.0 / 3)) ++in_last_third;
  }
  // A uniform spread would put a third there; growing linearly, 5/9.
  EXPECT_NEAR(in_last_third, 556, 5);
}

TEST(Plan, SteadyArrivalsComeAtAConstantRate) {
  PlanOptions options;
  options.students = 10;
  options.uploads = 1000;
  options.duration = absl::Seconds(100);
  options.arrivals = Arrivals::kSteady;
  const std::vector<PlannedUpload> plan = MakePlan(options);
  ASSERT_EQ(plan.size(), 1000u);
  for (size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(plan[i].arrival, absl::Milliseconds(100 * i + 50)) << i;
  }
}

TEST(Plan, ArrivalsAreParsed) {
  EXPECT_EQ(ParseArrivals("steady").value(), Arrivals::kSteady);
  EXPECT_EQ(ParseArrivals("bunched").value(), Arrivals::kBunched);
  EXPECT_EQ(ParseArrivals("poisson").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Plan, TheMixAndSizesAreParsed) {
  absl::StatusOr<Mix> mix = ParseMix("question:8,zip:2");
  ASSERT_TRUE(mix.ok()) << mix.status();
  EXPECT_EQ(mix->question, 8);
  EXPECT_EQ(mix->pdf, 0);
  EXPECT_EQ(mix->zip, 2);
  EXPECT_FALSE(ParseMix("video:1").ok());
  EXPECT_FALSE(ParseMix("question:0").ok());
  absl::StatusOr<SizeRange> range = ParseMiBRange("2-10");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->min_bytes, 2 << 20);
  EXPECT_EQ(range->max_bytes, 10 << 20);
  EXPECT_FALSE(ParseMiBRange("10-2").ok());
}

TEST(BenchCourse, LoadsWithEveryStudentOwingTheThreeItems) {
  absl::StatusOr<deadline::v1::CoursePolicy> course =
      MakeBenchCourse(ReferenceCourse(), 25, absl::FromUnixSeconds(1714600800));
  ASSERT_TRUE(course.ok()) << course.status();
  EXPECT_EQ(course->course_id(), "eecs598-w24-rush");
  EXPECT_EQ(course->roster().students_size(), 25);
  EXPECT_EQ(course->roster().students(24).user_id(), StudentId(24));
  ASSERT_EQ(course->items_size(), 3);
  for (const deadline::v1::Item& item : course->items()) {
    EXPECT_EQ(item.audience(), deadline::v1::AUDIENCE_EVERY_STUDENT);
    // 2024-05-01 22:00 UTC is 18:00 in Detroit.
    EXPECT_EQ(item.due_at().local_time(), "2024-05-01 18:00");
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(*course, &text);
  auto loaded = deadline::LoadCourseFromString(text, "bench course");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
}

}  // namespace
}  // namespace handin::bench
