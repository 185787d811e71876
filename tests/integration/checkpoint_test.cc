// Online backups on the real binaries (issue 8): `handin-admin storage
// checkpoint` with a `backup` service token makes a checkpoint while
// storage serves; `handin-admin audit verify` on it prints the head the
// checkpoint command printed; and a storage restored from it (stopped, its
// directory replaced, started again) holds what was submitted before the
// checkpoint and nothing after. Any other identity is refused.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "tests/integration/cluster.h"
#include "tests/services/storage/storage_test_util.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {
namespace {

namespace fs = std::filesystem;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// What `handin-admin storage checkpoint` printed, line by line.
struct CheckpointOutput {
  std::string path;
  std::string created;
  // "N events, head H", as audit verify prints it.
  std::string audit;
};

CheckpointOutput ParseCheckpointOutput(const std::string& out) {
  CheckpointOutput parsed;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::ConsumePrefix(&line, "path: ")) parsed.path = std::string(line);
    if (absl::ConsumePrefix(&line, "created: ")) {
      parsed.created = std::string(line);
    }
    if (absl::ConsumePrefix(&line, "audit: ")) parsed.audit = std::string(line);
  }
  return parsed;
}

class CheckpointEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Runs `handin-admin storage checkpoint` against storage with `token`
  // (written to a file, as an operator would keep it).
  CommandResult Checkpoint(const std::string& token) {
    const std::string token_file = dir_.File("backup.token");
    std::ofstream(token_file) << token << "\n";
    return RunCommand({Cluster::Binary("handin-admin"), "storage", "checkpoint",
                       "--addr", cluster_.TlsAddress("storage"), "--token",
                       token_file, "--tls_ca", cluster_.CaFile(), "--tls_cert",
                       cluster_.CertFile(), "--tls_key", cluster_.KeyFile()});
  }

  static CommandResult AuditVerify(const std::string& data_dir) {
    return RunCommand({Cluster::Binary("handin-admin"), "audit", "verify",
                       "--data_dir", data_dir});
  }

  // Storage's submission ids of the reference course, asked as grading.
  std::vector<std::string> StoredIds() {
    auto storage = storage::v1::StorageService::NewStub(
        cluster_.Channel("storage", cluster_.ServiceToken("grading")));
    std::vector<std::string> ids;
    for (const auto& record :
         storage::testing::ListOverGrpc(*storage, "eecs598-w24")) {
      ids.push_back(record.submission_id());
    }
    return ids;
  }

  Cluster cluster_;
  TempDir dir_;
};

TEST_F(CheckpointEndToEndTest,
       ABackupTokenMakesACheckpointThatVerifiesAndRestores) {
  intake::v1::UploadResponse before;
  grpc::Status uploaded = UploadDirect(cluster_, "ari", "project-report",
                                       PdfBytes(1), "before", &before);
  ASSERT_TRUE(uploaded.ok()) << uploaded.error_message();

  const CommandResult made =
      Checkpoint(cluster_.Token(Role::kService, "backup", "*"));
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  const CheckpointOutput checkpoint = ParseCheckpointOutput(made.out);
  // Beside the data directory (the default --checkpoint_dir), named by
  // its UTC instant.
  EXPECT_THAT(checkpoint.path,
              StartsWith(cluster_.StorageDataDir() + ".checkpoints/"));
  EXPECT_TRUE(absl::EndsWith(checkpoint.path, "Z")) << checkpoint.path;
  EXPECT_THAT(checkpoint.created,
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"));
  // Nothing but the upload was audited: the head is its event.
  EXPECT_EQ(checkpoint.audit,
            absl::StrCat(before.submission().audit_sequence(), " events, head ",
                         before.submission().audit_hash_hex()));

  // The checkpoint verifies, with the same head.
  const CommandResult verified = AuditVerify(checkpoint.path);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(verified.out, "audit chain intact: " + checkpoint.audit + "\n");

  // Submitted after the checkpoint: in the live database only.
  intake::v1::UploadResponse after;
  uploaded = UploadDirect(cluster_, "ari", "project-report", PdfBytes(2),
                          "after", &after);
  ASSERT_TRUE(uploaded.ok()) << uploaded.error_message();
  ASSERT_EQ(StoredIds().size(), 2u);

  // Restore as docs/deploy.md says: stop the shard, replace its database
  // with a copy of the checkpoint, verify, start.
  absl::StatusOr<int> stopped = cluster_.Stop("storage");
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  ASSERT_EQ(*stopped, 0) << cluster_.LogTail("storage");
  fs::remove_all(cluster_.StorageDataDir());
  fs::copy(checkpoint.path, cluster_.StorageDataDir(),
           fs::copy_options::recursive);
  const CommandResult restored_verify = AuditVerify(cluster_.StorageDataDir());
  EXPECT_EQ(restored_verify.exit_code, 0) << restored_verify.err;
  EXPECT_EQ(restored_verify.out,
            "audit chain intact: " + checkpoint.audit + "\n");
  absl::Status restarted = cluster_.Restart("storage");
  ASSERT_TRUE(restarted.ok()) << restarted;

  EXPECT_THAT(StoredIds(), ElementsAre(before.submission().submission_id()));
}

TEST_F(CheckpointEndToEndTest, OnlyTheBackupIdentityMayMakeOne) {
  const CommandResult refused = Checkpoint(cluster_.ServiceToken("grading"));
  EXPECT_EQ(refused.exit_code, 2) << refused.out;
  EXPECT_THAT(refused.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(refused.err, HasSubstr("the service grading may not call "
                                     "handin.storage.v1.StorageService/"
                                     "CreateCheckpoint"));
  EXPECT_EQ(refused.out, "");
  EXPECT_FALSE(fs::exists(cluster_.StorageDataDir() + ".checkpoints"));
}

}  // namespace
}  // namespace handin::testing
