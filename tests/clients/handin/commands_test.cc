#include "clients/handin/commands.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "clients/handin/errors.h"
#include "clients/handin/file_upload.h"
#include "clients/handin/receipt_verify.h"
#include "common/receipt_signature.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/testing/ports.h"
#include "tests/testing/temp_dir.h"

namespace handin::client {
namespace {

using ::handin::testing::IntakeHarness;
using ::handin::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

using ::handin::testing::UnusedPort;

std::string WriteFile(const TempDir& dir, const std::string& name,
                      const std::string& content) {
  const std::string path = dir.File(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Content that is not the same byte repeated, so misplaced chunks show.
std::string PatternedBytes(size_t size) {
  std::string content;
  for (size_t i = 0; content.size() < size; ++i) {
    content += std::to_string(i) + "\n";
  }
  content.resize(size);
  return content;
}

TEST(InspectFile, MissingFileIsNotFoundNamingThePath) {
  TempDir dir;
  const absl::StatusOr<LocalFile> file = InspectFile(dir.File("nope.pdf"));
  EXPECT_EQ(file.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(file.status().message(), dir.File("nope.pdf") + ": no such file");
}

TEST(InspectFile, DirectoryIsRefused) {
  TempDir dir;
  const absl::StatusOr<LocalFile> file = InspectFile(dir.path());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(file.status().message(), HasSubstr("is a directory"));
}

TEST(InspectFile, MeasuresAndHashesTheWholeFile) {
  TempDir dir;
  const std::string content = PatternedBytes((size_t{3} << 20) + 7);
  const absl::StatusOr<LocalFile> file =
      InspectFile(WriteFile(dir, "code.zip", content));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->base_name, "code.zip");
  EXPECT_EQ(file->size_bytes, static_cast<int64_t>(content.size()));
  EXPECT_EQ(file->sha256_hex, Sha256::Of(content));
}

TEST(NewIdempotencyKey, IsThirtyTwoFreshHexDigits) {
  const absl::StatusOr<std::string> first = NewIdempotencyKey();
  const absl::StatusOr<std::string> second = NewIdempotencyKey();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_THAT(*first, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(*first, *second);
}

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    options_.server = harness_.intake_address();
    options_.insecure = true;
    options_.token =
        ::handin::testing::HarnessAuth().Token(Role::kStudent, "alice");
  }

  int Submit(const std::string& item, const std::string& path,
             bool yes = false) {
    SubmitOptions submit{item, path, yes};
    submit.receipt_dir = dir_.path();
    return RunSubmit(
        options_, submit, clock_,
        Console{out_, err_, /*progress=*/false, &in_, interactive_});
  }

  // Intake signs receipts with a key of its own.
  static intake::IntakeOptions Signing(std::shared_ptr<const ReceiptKey> key) {
    intake::IntakeOptions options;
    options.receipt_key = std::move(key);
    return options;
  }

  // Makes the deadline check answer `kind` with `reason`.
  void CheckAnswers(common::v1::VerdictKind kind, const std::string& reason,
                    double penalty_percent = 0) {
    deadline::v1::WhatIfResponse response;
    response.mutable_verdict()->set_kind(kind);
    response.mutable_verdict()->set_reason(reason);
    response.mutable_verdict()->set_penalty_percent(penalty_percent);
    harness_.deadline().SetWhatIf(response);
  }

  const std::shared_ptr<const ReceiptKey> receipt_key_ =
      std::make_shared<const ReceiptKey>(ReceiptKey::Generate());
  IntakeHarness harness_{Signing(receipt_key_)};
  std::istringstream in_;
  bool interactive_ = false;
  SystemClock clock_;
  GlobalOptions options_;
  TempDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CommandsTest, SubmitStreamsTheFileInChunksAndPrintsTheReceipt) {
  const std::string content = PatternedBytes((size_t{5} << 19) + 3);
  const std::string path = WriteFile(dir_, "report.pdf", content);
  ASSERT_EQ(Submit("project-report", path), kExitOk) << err_.str();
  EXPECT_EQ(err_.str(), "");
  EXPECT_THAT(out_.str(), HasSubstr("submission sub-000001\n"));
  EXPECT_THAT(out_.str(), HasSubstr("file       report.pdf\n"));
  EXPECT_THAT(out_.str(), HasSubstr(Sha256::Of(content)));
  EXPECT_THAT(out_.str(), HasSubstr("started    2024-05-01T21:59:00Z"));
  EXPECT_THAT(out_.str(), HasSubstr("verdict    on time\n"));
  EXPECT_EQ(harness_.storage().ContentOf("sub-000001"), content);
  const auto committed = harness_.storage().committed();
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_THAT(committed[0].idempotency_key(), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(committed[0].principal(), "alice");

  // The signed receipt is saved, says where, and verifies.
  common::v1::SubmissionRecord stored = committed[0];
  stored.set_submission_id("sub-000001");
  EXPECT_EQ(ReceiptFileName(stored),
            "handin-receipt-eecs598-w24-project-report-sub-000001.txtpb");
  const std::string receipt_path = dir_.File(ReceiptFileName(stored));
  EXPECT_THAT(out_.str(), HasSubstr("saved to " + receipt_path));
  absl::StatusOr<common::v1::SignedReceipt> receipt =
      ReadReceiptFile(receipt_path);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_TRUE(receipt_key_->Verify(*receipt).ok());
  EXPECT_EQ(receipt->claims().sha256_hex(), Sha256::Of(content));
}

TEST_F(CommandsTest, SubmitOfAMissingFileIsALocalErrorAndContactsNoOne) {
  EXPECT_EQ(Submit("project-report", dir_.File("nope.pdf")), kExitLocalError);
  EXPECT_EQ(err_.str(),
            "handin: " + dir_.File("nope.pdf") + ": no such file\n");
  EXPECT_EQ(out_.str(), "");
  EXPECT_THAT(harness_.deadline().evaluations(), ::testing::IsEmpty());
}

TEST_F(CommandsTest, SubmitWithoutATokenIsALocalError) {
  options_.token = "";
  EXPECT_EQ(Submit("project-report", WriteFile(dir_, "a.txt", "a")),
            kExitLocalError);
  EXPECT_THAT(err_.str(), HasSubstr("handin: no token; pass --token"));
}

TEST_F(CommandsTest, ATokenForAnotherCourseIsRefusedWithoutTrace) {
  options_.token = ::handin::testing::HarnessAuth().Token(
      Role::kStudent, "alice", "eecs498-f24");
  EXPECT_EQ(Submit("project-report", WriteFile(dir_, "a.txt", "a"),
                   /*yes=*/true),
            kExitServerError);
  EXPECT_THAT(err_.str(), HasSubstr("this token is for course eecs498-f24, not "
                                    "eecs598-w24"));
  EXPECT_THAT(harness_.storage().committed(), ::testing::IsEmpty());
  EXPECT_THAT(harness_.storage().refusals(), ::testing::IsEmpty());
}

TEST_F(CommandsTest, SubmitOfAnUnknownItemShowsTheServersMessage) {
  harness_.deadline().SetError(grpc::Status(
      grpc::StatusCode::NOT_FOUND, "no item \"nope\" in course eecs598-w24"));
  EXPECT_EQ(Submit("nope", WriteFile(dir_, "a.txt", "a")), kExitServerError);
  EXPECT_EQ(err_.str(), "handin: no item \"nope\" in course eecs598-w24\n");
}

TEST_F(CommandsTest, AServerErrorNamesTheRunsRequestId) {
  options_.request_id = "0123456789abcdef";
  harness_.deadline().SetError(grpc::Status(
      grpc::StatusCode::NOT_FOUND, "no item \"nope\" in course eecs598-w24"));
  EXPECT_EQ(Submit("nope", WriteFile(dir_, "a.txt", "a")), kExitServerError);
  EXPECT_EQ(err_.str(),
            "handin: no item \"nope\" in course eecs598-w24 (request id "
            "0123456789abcdef)\n");
}

TEST_F(CommandsTest, SubmitToAStoppedServerFailsWithAHint) {
  options_.server = IntakeHarness::Loopback(UnusedPort());
  EXPECT_EQ(Submit("project-report", WriteFile(dir_, "a.txt", "a")),
            kExitServerError);
  EXPECT_EQ(err_.str(), "handin: cannot reach intake at " + options_.server +
                            " (is it running? start it with scripts/up)\n");
}

TEST_F(CommandsTest, StatusOfAStoppedServerFailsWithAHint) {
  options_.server = IntakeHarness::Loopback(UnusedPort());
  EXPECT_EQ(RunStatus(options_, Console{out_, err_}), kExitServerError);
  EXPECT_EQ(err_.str(), "handin: cannot reach intake at " + options_.server +
                            " (is it running? start it with scripts/up)\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, StatusListsWhatWasSubmitted) {
  ASSERT_EQ(RunStatus(options_, Console{out_, err_}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), "no submissions yet\n");
  out_.str("");
  ASSERT_EQ(Submit("project-report", WriteFile(dir_, "r.pdf", "report")),
            kExitOk);
  out_.str("");
  ASSERT_EQ(RunStatus(options_, Console{out_, err_}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("sub-000001  project-report  on time"));
  EXPECT_THAT(out_.str(), HasSubstr(Sha256::Of("report").substr(0, 12)));
}

TEST_F(CommandsTest, SubmitRetriesWithTheSameKeyAndGetsTheStoredReceipt) {
  // The first commit is stored but its answer is lost on the way back.
  harness_.storage().LoseNextCommitResponse();
  SubmitOptions submit{"project-report",
                       WriteFile(dir_, "r.pdf", "report"),
                       /*assume_yes=*/false,
                       /*attempts=*/3,
                       /*retry_delay=*/absl::ZeroDuration(),
                       /*receipt_dir=*/dir_.path()};
  ASSERT_EQ(RunSubmit(options_, submit, clock_,
                      Console{out_, err_, /*progress=*/false, &in_, false}),
            kExitOk)
      << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("attempt 2 of 3, same idempotency key"));
  EXPECT_THAT(err_.str(), HasSubstr("already stored; this is its receipt"));
  EXPECT_THAT(out_.str(), HasSubstr("submission sub-000001\n"));
  EXPECT_EQ(harness_.storage().committed().size(), 1u);
}

TEST_F(CommandsTest, StatusShowsRefusedAttemptsWithTheirReasons) {
  harness_.deadline().SetVerdict(common::v1::VERDICT_KIND_REFUSED,
                                 "project-report is not open yet");
  ASSERT_EQ(Submit("project-report", WriteFile(dir_, "r.pdf", "report"),
                   /*yes=*/true),
            kExitServerError);
  out_.str("");
  ASSERT_EQ(RunStatus(options_, Console{out_, err_}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("no submissions yet\n\nRefused attempts"));
  EXPECT_THAT(out_.str(),
              HasSubstr("FAILED_PRECONDITION  project-report is not open yet"));
  EXPECT_THAT(out_.str(), HasSubstr("0 B of 6 B"));
}

TEST_F(CommandsTest, MissingCaFileIsALocalError) {
  options_.insecure = false;
  options_.ca_file = dir_.File("no-ca.pem");
  EXPECT_EQ(RunStatus(options_, Console{out_, err_}), kExitLocalError);
  EXPECT_THAT(err_.str(),
              HasSubstr("handin: cannot open " + dir_.File("no-ca.pem")));
}

}  // namespace
}  // namespace handin::client

namespace handin::client {
namespace {

using ::handin::common::v1::VERDICT_KIND_LATE_COUNTED;
using ::handin::common::v1::VERDICT_KIND_LATE_NOT_COUNTED;
using ::handin::common::v1::VERDICT_KIND_REFUSED;
using ::handin::testing::IntakeHarness;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kLateReason[] =
    "due 2024-05-01 18:00 EDT; late submissions are not counted";

TEST_F(CommandsTest, SubmitChecksTheDeadlineForTheItemFirst) {
  ASSERT_EQ(Submit("project-report", WriteFile(dir_, "r.pdf", "r")), kExitOk)
      << err_.str();
  const auto checks = harness_.deadline().what_ifs();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].principal(), "alice");
  EXPECT_EQ(checks[0].item_id(), "project-report");
  EXPECT_EQ(checks[0].course_id(), options_.course);
}

TEST_F(CommandsTest, LateSubmitWithoutATerminalRefusesAndUploadsNothing) {
  CheckAnswers(VERDICT_KIND_LATE_NOT_COUNTED, kLateReason);
  EXPECT_EQ(Submit("project-report", WriteFile(dir_, "r.pdf", "r")),
            kExitLocalError);
  EXPECT_EQ(err_.str(),
            std::string("handin: warning: this submission would be late and "
                        "NOT counted: ") +
                kLateReason +
                "\nhandin: not submitting without confirmation; pass --yes "
                "to submit anyway\n");
  EXPECT_EQ(out_.str(), "");
  EXPECT_THAT(harness_.deadline().evaluations(), IsEmpty());
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(CommandsTest, LateSubmitWithYesWarnsAndUploads) {
  CheckAnswers(VERDICT_KIND_LATE_COUNTED, "2 days late", 10);
  ASSERT_EQ(Submit("project-report", WriteFile(dir_, "r.pdf", "r"),
                   /*yes=*/true),
            kExitOk)
      << err_.str();
  EXPECT_EQ(err_.str(),
            "handin: warning: this submission would be late and counted with "
            "a 10% penalty: 2 days late\n");
  EXPECT_THAT(out_.str(), HasSubstr("Submitted."));
  EXPECT_EQ(harness_.storage().committed().size(), 1u);
}

TEST_F(CommandsTest, LateSubmitAsksAndUploadsWhenTheAnswerIsYes) {
  CheckAnswers(VERDICT_KIND_LATE_NOT_COUNTED, kLateReason);
  interactive_ = true;
  in_.str(" Yes \n");
  ASSERT_EQ(Submit("project-report", WriteFile(dir_, "r.pdf", "r")), kExitOk)
      << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("Submit anyway? [y/N] "));
  EXPECT_EQ(harness_.storage().committed().size(), 1u);
}

TEST_F(CommandsTest, LateSubmitAsksAndStopsOnAnyOtherAnswer) {
  CheckAnswers(VERDICT_KIND_LATE_NOT_COUNTED, kLateReason);
  interactive_ = true;
  for (const char* answer : {"\n", "n\n", "sure\n", ""}) {
    err_.str("");
    in_.clear();
    in_.str(answer);
    EXPECT_EQ(Submit("project-report", WriteFile(dir_, "r.pdf", "r")),
              kExitLocalError)
        << "answer \"" << answer << "\"";
    EXPECT_THAT(err_.str(), HasSubstr("Submit anyway? [y/N] "));
    EXPECT_THAT(err_.str(), HasSubstr("handin: not submitted"));
  }
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(CommandsTest, SubmitTheCheckRefusesPrintsTheReasonAndUploadsNothing) {
  CheckAnswers(VERDICT_KIND_REFUSED,
               "slides/2024-03-19 is owed by its presenters");
  EXPECT_EQ(Submit("slides/2024-03-19", WriteFile(dir_, "s.pdf", "s"),
                   /*yes=*/true),
            kExitServerError);
  EXPECT_EQ(err_.str(),
            "handin: intake would refuse this submission: slides/2024-03-19 "
            "is owed by its presenters; nothing was uploaded\n");
  EXPECT_THAT(harness_.deadline().evaluations(), IsEmpty());
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(CommandsTest, SubmitWhenTheCheckFailsIsOneLineAndUploadsNothing) {
  harness_.deadline().SetWhatIf(
      {}, grpc::Status(grpc::StatusCode::NOT_FOUND, "no item \"nope\""));
  EXPECT_EQ(Submit("nope", WriteFile(dir_, "a.txt", "a"), /*yes=*/true),
            kExitServerError);
  EXPECT_EQ(err_.str(), "handin: no item \"nope\"\n");
  EXPECT_THAT(harness_.deadline().evaluations(), IsEmpty());
}

TEST_F(CommandsTest, SubmitWhenDeadlineIsDownFailsBeforeUploading) {
  harness_.deadline().SetWhatIf(
      {}, grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"));
  EXPECT_EQ(Submit("project-report", WriteFile(dir_, "a.txt", "a")),
            kExitServerError);
  EXPECT_THAT(err_.str(), HasSubstr("deadline service unreachable"));
  const std::string err = err_.str();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_THAT(harness_.storage().committed(), IsEmpty());
}

TEST_F(CommandsTest, SubmitToAnIntakeWithoutTheCheckSaysSo) {
  // An intake that implements none of the RPCs, like one older than
  // CheckSubmission answers it.
  intake::v1::IntakeService::CallbackService old_intake;
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  server_options.tls.insecure = true;
  server_options.authenticator =
      ::handin::testing::HarnessAuth().AdmitAnyCaller(
          intake::v1::IntakeService::service_full_name());
  absl::StatusOr<RunningServer> old =
      StartServer(server_options, {&old_intake});
  ASSERT_TRUE(old.ok()) << old.status();
  options_.server = IntakeHarness::Loopback(old->port);
  EXPECT_EQ(Submit("project-report", WriteFile(dir_, "a.txt", "a"),
                   /*yes=*/true),
            kExitServerError);
  EXPECT_EQ(err_.str(), "handin: intake at " + options_.server +
                            " cannot check deadlines (is it older than this "
                            "handin? check --server); nothing was uploaded\n");
  StopServer(*old, absl::ZeroDuration());
}

}  // namespace
}  // namespace handin::client
