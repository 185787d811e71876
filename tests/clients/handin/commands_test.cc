#include "clients/handin/commands.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "clients/handin/errors.h"
#include "clients/handin/file_upload.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/intake/intake_harness.h"
#include "tests/testing/temp_dir.h"

namespace handin::client {
namespace {

using ::handin::testing::IntakeHarness;
using ::handin::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Returns a loopback port nothing listens on.
int UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

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
    options_.user = "alice";
  }

  int Submit(const std::string& item, const std::string& path) {
    return RunSubmit(options_, item, path, clock_, Console{out_, err_});
  }

  IntakeHarness harness_;
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
}

TEST_F(CommandsTest, SubmitOfAMissingFileIsALocalErrorAndContactsNoOne) {
  EXPECT_EQ(Submit("project-report", dir_.File("nope.pdf")), kExitLocalError);
  EXPECT_EQ(err_.str(),
            "handin: " + dir_.File("nope.pdf") + ": no such file\n");
  EXPECT_EQ(out_.str(), "");
  EXPECT_THAT(harness_.deadline().evaluations(), ::testing::IsEmpty());
}

TEST_F(CommandsTest, SubmitWithoutAUserIsALocalError) {
  options_.user = "";
  EXPECT_EQ(Submit("project-report", WriteFile(dir_, "a.txt", "a")),
            kExitLocalError);
  EXPECT_THAT(err_.str(), HasSubstr("handin: no user id; pass --user"));
}

TEST_F(CommandsTest, SubmitOfAnUnknownItemShowsTheServersMessage) {
  harness_.deadline().SetError(grpc::Status(
      grpc::StatusCode::NOT_FOUND, "no item \"nope\" in course eecs598-w24"));
  EXPECT_EQ(Submit("nope", WriteFile(dir_, "a.txt", "a")), kExitServerError);
  EXPECT_EQ(err_.str(), "handin: no item \"nope\" in course eecs598-w24\n");
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

TEST_F(CommandsTest, MissingCaFileIsALocalError) {
  options_.insecure = false;
  options_.ca_file = dir_.File("no-ca.pem");
  EXPECT_EQ(RunStatus(options_, Console{out_, err_}), kExitLocalError);
  EXPECT_THAT(err_.str(),
              HasSubstr("handin: cannot open " + dir_.File("no-ca.pem")));
}

}  // namespace
}  // namespace handin::client
