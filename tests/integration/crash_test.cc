// Crash safety across real processes over loopback (DESIGN.md, "Storage and
// durability"): uploader threads send uploads of random sizes through
// intake while storage and intake are killed with SIGKILL at random moments
// and restarted on the same ports and data, many times. Afterwards:
//   * lost = 0: every receipt a client obtained names a stored submission
//     whose bytes read back with the receipt's size and SHA-256;
//   * phantom = 0: every stored submission is an upload whose client sent
//     all its bytes and the finish (same principal, idempotency key, size
//     and SHA-256), and no key has two;
//   * `handin-admin audit verify` finds the audit chain intact.
// An upload in flight at a kill ends in an error on the client; that is
// expected and only counted.
//
// SIGKILL loses no page cache: this proves recovery and atomicity across
// process deaths, not fsync against a power cut.
//
// Environment: HANDIN_CRASH_SECONDS (default 75) is how long the kill loop
// runs; HANDIN_CRASH_SEED replays a run (the seed is printed).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/sha256.h"
#include "gtest/gtest.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "tests/integration/cluster.h"
#include "tests/services/storage/storage_test_util.h"

namespace handin::testing {
namespace {

using ::handin::common::v1::SubmissionRecord;
using ::handin::storage::testing::ListOverGrpc;
using ::handin::storage::testing::ReadOverGrpc;
using ::handin::storage::testing::ReadResult;

constexpr char kCourse[] = "eecs598-w24";
constexpr int kUploaders = 8;
// Students of the reference course; every one owes both items used here.
const char* const kStudents[] = {"ari",  "jack", "leah", "maya",
                                 "finn", "zin",  "yash", "luke"};
// Items without a content rule take any bytes; project-code takes a zip
// with a README, which intake's inspector checks.
constexpr char kAnyBytesItem[] = "project-group";
constexpr char kZipItem[] = "project-code";

// A positive integer from the environment variable `name`, or `fallback`.
uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  uint64_t value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) && value > 0
             ? value
             : fallback;
}

// What the clients did, keyed by (principal, idempotency key). Thread-safe.
class Ledger {
 public:
  // One upload: its content is fixed; its attempts share the key.
  struct Upload {
    std::string sha256_hex;
    int64_t size_bytes = 0;
    // True once any attempt sent every byte and the finish.
    bool finish_sent = false;
  };
  // A receipt a client obtained (UploadResponse with OK).
  struct Receipt {
    std::string principal;
    std::string key;
    SubmissionRecord record;
    bool replayed = false;
    // When the client got it.
    absl::Time at;
  };

  void Record(const std::string& principal, const std::string& key,
              const std::string& sha, int64_t size, bool finish_sent,
              const grpc::Status& status,
              const intake::v1::UploadResponse& response) {
    absl::MutexLock lock(&mu_);
    Upload& upload = uploads_[{principal, key}];
    if (upload.sha256_hex.empty()) ++logical_uploads_;
    upload.sha256_hex = sha;
    upload.size_bytes = size;
    if (finish_sent && !upload.finish_sent) ++finished_;
    upload.finish_sent = upload.finish_sent || finish_sent;
    ++attempts_;
    ++outcomes_[status.error_code()];
    if (status.ok()) {
      receipts_.push_back({principal, key, response.submission(),
                           response.replayed(), absl::Now()});
    } else {
      last_message_[status.error_code()] = status.error_message();
    }
  }

  // The upload under (principal, key), or null. Call once the clients stop.
  const Upload* Find(const std::string& principal,
                     const std::string& key) const {
    absl::MutexLock lock(&mu_);
    auto it = uploads_.find({principal, key});
    return it == uploads_.end() ? nullptr : &it->second;
  }
  std::vector<Receipt> receipts() const {
    absl::MutexLock lock(&mu_);
    return receipts_;
  }
  // "uploads 812 (attempts 901), finished 640, receipts 590 (replayed 12),
  // outcomes OK=590 UNAVAILABLE=250 ..." for the summary line.
  std::string Summary() const {
    absl::MutexLock lock(&mu_);
    int replayed = 0;
    for (const Receipt& receipt : receipts_) replayed += receipt.replayed;
    std::string outcomes;
    for (const auto& [code, count] : outcomes_) {
      absl::StrAppend(&outcomes, " ", CodeName(code), "=", count);
      auto message = last_message_.find(code);
      if (message != last_message_.end()) {
        absl::StrAppend(&outcomes, " (last: \"", message->second, "\")");
      }
    }
    return absl::StrCat("uploads attempted ", logical_uploads_, " (attempts ",
                        attempts_, "), finished ", finished_, ", receipts ",
                        receipts_.size(), " (replayed ", replayed,
                        "), outcomes", outcomes);
  }

 private:
  // "UNAVAILABLE": gRPC's codes are numbered as absl's.
  static std::string CodeName(grpc::StatusCode code) {
    return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  }

  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, Upload> uploads_
      ABSL_GUARDED_BY(mu_);
  std::vector<Receipt> receipts_ ABSL_GUARDED_BY(mu_);
  std::map<grpc::StatusCode, int> outcomes_ ABSL_GUARDED_BY(mu_);
  // The last message of each error code, for the summary.
  std::map<grpc::StatusCode, std::string> last_message_ ABSL_GUARDED_BY(mu_);
  int logical_uploads_ ABSL_GUARDED_BY(mu_) = 0;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
  int attempts_ ABSL_GUARDED_BY(mu_) = 0;
};

// The next random upload of uploader `thread`: one in eight a code zip, the
// rest raw bytes; sizes log-uniform from 1 byte to 4 MiB (zips to 1 MiB of
// data, to keep the inspector cheap); chunks of 64 KiB, 256 KiB or 1 MiB; a
// key no other upload uses.
DirectUpload RandomUpload(std::mt19937_64& random, uint64_t seed, int thread,
                          int n) {
  DirectUpload upload;
  upload.user = kStudents[random() % std::size(kStudents)];
  upload.key = absl::StrCat("crash-", seed, "-", thread, "-", n);
  upload.chunk_bytes = size_t{64 << 10} << (2 * (random() % 3));
  upload.timeout = absl::Seconds(60);
  const bool zip = random() % 8 == 0;
  std::uniform_real_distribution<double> log_size(
      0, std::log(zip ? 1 << 20 : 4 << 20));
  const size_t size = static_cast<size_t>(std::exp(log_size(random)));
  if (zip) {
    upload.item = kZipItem;
    upload.file_name = "code.zip";
    upload.content = CodeZip(size, static_cast<unsigned>(random()));
    return upload;
  }
  upload.item = kAnyBytesItem;
  upload.file_name = "group.bin";
  upload.content.resize(std::max<size_t>(size, 1));
  for (char& c : upload.content) c = static_cast<char>(random());
  return upload;
}

// Errors that a retry with the same key may get past: the services' own
// failures, as a kill causes them.
bool Retryable(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::ABORTED:
      return true;
    default:
      return false;
  }
}

// "first receipt after a restart: median 0.4 s, max 2.1 s": how long the
// uploaders went without a receipt after each restart (intake reconnects
// to a restarted storage with gRPC's backoff). For the summary only.
std::string RecoverySummary(const std::vector<absl::Time>& restarts,
                            const std::vector<Ledger::Receipt>& receipts) {
  std::vector<absl::Time> times;
  for (const Ledger::Receipt& receipt : receipts) times.push_back(receipt.at);
  std::sort(times.begin(), times.end());
  std::vector<double> gaps;
  for (absl::Time restart : restarts) {
    auto next = std::lower_bound(times.begin(), times.end(), restart);
    if (next != times.end())
      gaps.push_back(absl::ToDoubleSeconds(*next - restart));
  }
  if (gaps.empty()) return "no receipt after any restart";
  std::sort(gaps.begin(), gaps.end());
  return absl::StrFormat(
      "first receipt after a restart: median %.1f s, max %.1f s",
      gaps[gaps.size() / 2], gaps.back());
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = cluster_.Start();
    ASSERT_TRUE(started.ok()) << started;
  }

  // Uploads `upload` until it gets a receipt, a non-retryable error, or
  // `attempts` tries, recording each attempt.
  grpc::Status UploadWithRetries(const DirectUpload& upload, int attempts) {
    const std::string sha = Sha256::Of(upload.content);
    grpc::Status status;
    for (int attempt = 0; attempt < attempts; ++attempt) {
      if (attempt > 0) absl::SleepFor(absl::Milliseconds(100));
      intake::v1::UploadResponse response;
      bool finish_sent = false;
      status = UploadDirect(cluster_, upload, &response, &finish_sent);
      ledger_.Record(upload.user, upload.key, sha,
                     static_cast<int64_t>(upload.content.size()), finish_sent,
                     status, response);
      if (status.ok() || !Retryable(status)) break;
    }
    return status;
  }

  // Uploader `thread`: random uploads until `stop`; a failed one is retried
  // with its key up to twice more, half of the time, then given up.
  void Uploader(uint64_t seed, int thread, const std::atomic<bool>& stop) {
    std::mt19937_64 random(seed * 1000003 + static_cast<uint64_t>(thread));
    for (int n = 0; !stop.load(); ++n) {
      const DirectUpload upload = RandomUpload(random, seed, thread, n);
      // While a service is down, pause rather than spin on failures.
      if (!UploadWithRetries(upload, random() % 2 == 0 ? 1 : 3).ok()) {
        absl::SleepFor(absl::Milliseconds(200));
      }
    }
  }

  // Kills storage or intake at random moments until `until`, restarting it
  // each time. Returns the kills per service, or the first failure (a
  // service that had died by itself, or would not come back).
  absl::StatusOr<std::map<std::string, int>> Killer(uint64_t seed,
                                                    absl::Time until) {
    std::mt19937_64 random(seed);
    std::map<std::string, int> kills = {{"storage", 0}, {"intake", 0}};
    while (absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(200 + random() % 2300));
      const std::string victim = random() % 2 == 0 ? "storage" : "intake";
      absl::StatusOr<int> code = cluster_.Kill(victim);
      if (!code.ok()) return code.status();
      if (*code != 128 + SIGKILL) {
        return absl::InternalError(
            absl::StrCat("handin-", victim, " had exited by itself (", *code,
                         ") before kill ", kills[victim] + 1, ":\n",
                         cluster_.LogTail(victim)));
      }
      ++kills[victim];
      absl::SleepFor(absl::Milliseconds(random() % 300));  // down a while
      absl::Status restarted = cluster_.Restart(victim);
      if (!restarted.ok()) return restarted;
      restarts_.push_back(absl::Now());
    }
    return kills;
  }

  Cluster cluster_;
  Ledger ledger_;
  // When each restarted service said SERVING (written by the killer only).
  std::vector<absl::Time> restarts_;
};

TEST_F(CrashTest, KilledServicesLoseNoReceiptAndStoreNoPhantom) {
  const uint64_t seed = EnvOr("HANDIN_CRASH_SEED", std::random_device()());
  const uint64_t seconds = EnvOr("HANDIN_CRASH_SECONDS", 75);
  SCOPED_TRACE(absl::StrCat("HANDIN_CRASH_SEED=", seed));
  std::cout << "crash test: seed " << seed << ", kill loop " << seconds
            << " s, " << kUploaders << " uploaders" << std::endl;
  const absl::Time start = absl::Now();

  std::atomic<bool> stop{false};
  std::vector<std::thread> uploaders;
  for (int thread = 0; thread < kUploaders; ++thread) {
    uploaders.emplace_back([&, thread] { Uploader(seed, thread, stop); });
  }
  absl::StatusOr<std::map<std::string, int>> kills =
      Killer(seed, start + absl::Seconds(seconds));
  stop = true;
  for (std::thread& uploader : uploaders) uploader.join();
  ASSERT_TRUE(kills.ok()) << kills.status();

  // The cluster works again: one more upload gets a receipt (intake
  // reconnects to storage with backoff, so allow it a while).
  std::mt19937_64 random(seed);
  DirectUpload last = RandomUpload(random, seed, kUploaders, 0);
  grpc::Status recovered;
  for (int attempt = 0; attempt < 30 && !recovered.ok(); ++attempt) {
    if (attempt > 0) absl::SleepFor(absl::Seconds(1));
    recovered = UploadWithRetries(last, 1);
  }
  ASSERT_TRUE(recovered.ok()) << "no upload succeeded after the last restart: "
                              << recovered.error_message() << "\n"
                              << cluster_.LogTail("intake");

  // Every stored submission, read back in full and hashed.
  auto storage = storage::v1::StorageService::NewStub(
      cluster_.Channel("storage", cluster_.ServiceToken("grading")));
  std::map<std::string, SubmissionRecord> stored;  // by submission id
  std::map<std::string, std::pair<std::string, int64_t>> read_back;
  int phantom = 0;
  std::set<std::pair<std::string, std::string>> keys_seen;
  for (const char* student : kStudents) {
    for (const SubmissionRecord& record :
         ListOverGrpc(*storage, kCourse, "", student)) {
      stored[record.submission_id()] = record;
      ReadResult read = ReadOverGrpc(*storage, kCourse, record.submission_id());
      EXPECT_TRUE(read.status.ok())
          << record.submission_id() << ": " << read.status;
      read_back[record.submission_id()] = {
          Sha256::Of(read.bytes), static_cast<int64_t>(read.bytes.size())};
      const Ledger::Upload* upload =
          ledger_.Find(record.principal(), record.idempotency_key());
      // Its bytes, not just its record, are what the client sent: a
      // partial upload committed by mistake would not hash to the record.
      const bool whole =
          read_back[record.submission_id()] ==
          std::make_pair(record.sha256_hex(), record.size_bytes());
      const bool matches = upload != nullptr && upload->finish_sent &&
                           upload->sha256_hex == record.sha256_hex() &&
                           upload->size_bytes == record.size_bytes() && whole;
      const bool first =
          keys_seen.insert({record.principal(), record.idempotency_key()})
              .second;
      if (!matches || !first) {
        ++phantom;
        ADD_FAILURE() << "phantom submission " << record.ShortDebugString()
                      << (upload == nullptr      ? ": no client sent it"
                          : !first               ? ": a second one for its key"
                          : !upload->finish_sent ? ": its finish was never sent"
                          : !whole ? ": its bytes do not hash to its record"
                                   : ": not the bytes sent");
      }
    }
  }

  int lost = 0;
  int checked = 0;
  for (const Ledger::Receipt& receipt : ledger_.receipts()) {
    ++checked;
    const SubmissionRecord& issued = receipt.record;
    auto it = stored.find(issued.submission_id());
    const Ledger::Upload* upload = ledger_.Find(receipt.principal, receipt.key);
    std::string problem;
    if (it == stored.end()) {
      problem = "no stored submission has its id";
    } else if (read_back[issued.submission_id()] !=
               std::make_pair(issued.sha256_hex(), issued.size_bytes())) {
      problem = "the stored bytes do not hash to it";
    } else if (issued.sha256_hex() != upload->sha256_hex ||
               issued.principal() != receipt.principal ||
               issued.idempotency_key() != receipt.key) {
      problem = "it names other bytes or another upload than the client sent";
    }
    if (!problem.empty()) {
      ++lost;
      ADD_FAILURE() << "lost receipt " << issued.ShortDebugString() << ": "
                    << problem;
    }
  }

  // The audit chain, with storage stopped.
  storage.reset();
  absl::Status stopped = cluster_.StopAll();
  EXPECT_TRUE(stopped.ok()) << stopped;
  CommandResult audit =
      RunCommand({Cluster::Binary("handin-admin"), "audit", "verify",
                  "--data_dir=" + cluster_.StorageDataDir()});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;

  std::cout << "crash test: seed " << seed << ", "
            << absl::FormatDuration(
                   absl::Trunc(absl::Now() - start, absl::Seconds(1)))
            << ": " << ledger_.Summary() << "; kills storage "
            << (*kills)["storage"] << ", intake " << (*kills)["intake"]
            << "; receipts checked " << checked << ", submissions stored "
            << stored.size() << "; lost = " << lost << ", phantom = " << phantom
            << "; " << RecoverySummary(restarts_, ledger_.receipts())
            << "; audit: " << audit.out << std::endl;
  EXPECT_GT((*kills)["storage"] + (*kills)["intake"], 0);
  EXPECT_GT(checked, 0) << "no upload got a receipt";
}

}  // namespace
}  // namespace handin::testing
