// handin-intake: serves IntakeService, calling the deadline and storage
// services. Flags, wiring, nothing else.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"  // common/clock.h uses absl::Now without it.
#include "common/clock.h"
#include "common/executor.h"
#include "common/logging.h"
#include "common/server_flags.h"
#include "common/server_runner.h"
#include "common/storage_shards.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"
#include "services/intake/access.h"
#include "services/intake/intake_service.h"
#include "services/intake/spool.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, deadline_addr, "127.0.0.1:50052",
          "host:port of the deadline service");
ABSL_FLAG(std::string, storage_addr, "127.0.0.1:50053",
          "host:port of the storage service; with several shards, each "
          "one's host:port in shard order, comma-separated (each course "
          "goes to its shard; docs/deploy.md)");
ABSL_FLAG(int, io_threads, 64,
          "threads for intake's blocking work: streaming a larger upload's "
          "chunks to storage and its synced commit, spool files and their "
          "inspection, resumes and refusal records (a small upload held in "
          "memory without a content check needs none): at most this many of "
          "those move at once");
ABSL_FLAG(int64_t, max_file_bytes, int64_t{512} << 20,
          "largest file accepted, in bytes");
ABSL_FLAG(std::string, receipt_key, "",
          "PEM Ed25519 private key that signs every receipt (scripts/up makes "
          "var/keys/receipt.key); students verify with its public half. "
          "Empty: receipts are unsigned, with a warning");

ABSL_FLAG(std::string, inspector, "",
          "path of handin-inspect, which checks uploads to items with a "
          "content rule. Empty: handin-inspect beside this binary");
ABSL_FLAG(std::string, spool_dir, "",
          "directory where uploads to items with a content rule are staged "
          "for inspection (one file per upload in flight, removed when it "
          "is stored or refused; kept for a resume when its connection "
          "drops). Empty: handin-intake-spool under the system temp dir");
ABSL_FLAG(absl::Duration, spool_grace, absl::Hours(1),
          "how long the spool copy of an interrupted upload is kept for its "
          "resume after its last byte; older ones are swept at start and "
          "periodically. Match storage's --staged_grace");
ABSL_FLAG(int, max_inspections, 2,
          "most content inspections running at once (each may take a core "
          "and 512 MiB)");
ABSL_FLAG(int, max_open_uploads_per_student, 4,
          "uploads one student may have open at once; more end "
          "RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_refusals_per_minute, 20,
          "refused attempts one student may make in a minute before their "
          "new uploads end RESOURCE_EXHAUSTED for the rest of it");
ABSL_FLAG(int64_t, held_upload_max_bytes, int64_t{64} << 10,
          "new uploads of at most this many bytes are held in memory and "
          "stored in one call at their finish (staged for a resume if "
          "their stream breaks); 0 streams every upload to storage; at most "
          "1 MiB");
ABSL_FLAG(absl::Duration, upload_idle_timeout, absl::Seconds(60),
          "an upload that sends nothing for this long ends "
          "DEADLINE_EXCEEDED");

namespace {

// handin-inspect in the directory of the running binary.
std::string InspectorBesideSelf() {
  std::error_code error;
  const std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "handin-inspect";
  return (self.parent_path() / "handin-inspect").string();
}

}  // namespace

int main(int argc, char** argv) {
  handin::ParseServerFlags(
      argc, argv,
      "accepts student uploads, judges them with the deadline "
      "service and stores them with the storage service.\n"
      "Usage: handin-intake [--listen=127.0.0.1:50051] "
      "[--deadline_addr=...] [--storage_addr=...] [--tls_cert=... "
      "--tls_key=... --tls_ca=...]");
  handin::InitLogging("intake");

  const int io_threads = absl::GetFlag(FLAGS_io_threads);
  const int64_t max_file_bytes = absl::GetFlag(FLAGS_max_file_bytes);
  const int max_inspections = absl::GetFlag(FLAGS_max_inspections);
  const absl::Duration idle_timeout = absl::GetFlag(FLAGS_upload_idle_timeout);
  const absl::Duration spool_grace = absl::GetFlag(FLAGS_spool_grace);
  const int max_open_uploads =
      absl::GetFlag(FLAGS_max_open_uploads_per_student);
  const int max_refusals = absl::GetFlag(FLAGS_max_refusals_per_minute);
  const int64_t held_max = absl::GetFlag(FLAGS_held_upload_max_bytes);
  if (io_threads < 1 || max_file_bytes < 0 || max_inspections < 1 ||
      held_max < 0 ||
      held_max > handin::intake::IntakeOptions().max_chunk_bytes ||
      max_open_uploads < 1 || max_refusals < 1 ||
      idle_timeout <= absl::ZeroDuration() ||
      spool_grace <= absl::ZeroDuration()) {
    spdlog::critical(
        "event=bad_flags msg=\"--io_threads, --max_inspections, "
        "--max_open_uploads_per_student and --max_refusals_per_minute must be "
        "at least 1, --max_file_bytes at least 0, --held_upload_max_bytes "
        "from 0 to 1 MiB, --upload_idle_timeout and --spool_grace "
        "positive\"");
    return 2;
  }

  auto authenticator =
      handin::AuthenticatorFromFlags(handin::intake::IntakeAccess());
  auto deadline_channel =
      handin::PeerChannelFromFlags(absl::GetFlag(FLAGS_deadline_addr));
  auto storage = handin::StorageShardsFromFlag(
      absl::GetFlag(FLAGS_storage_addr), "storage_addr");
  for (const absl::Status& status :
       {authenticator.status(), deadline_channel.status(), storage.status()}) {
    if (status.ok()) continue;
    spdlog::critical("event=bad_flags msg=\"{}\"",
                     std::string(status.message()));
    return 1;
  }

  handin::intake::IntakeOptions options;
  options.max_file_bytes = max_file_bytes;
  options.held_upload_max_bytes = held_max;
  options.max_inspections = max_inspections;
  options.max_open_uploads_per_student = max_open_uploads;
  options.max_refusals_per_minute = max_refusals;
  options.upload_idle_timeout = idle_timeout;
  options.spool_grace = spool_grace;
  options.spool_dir = absl::GetFlag(FLAGS_spool_dir);
  if (options.spool_dir.empty()) {
    options.spool_dir = handin::intake::DefaultSpoolDir();
  }
  options.inspector_path = absl::GetFlag(FLAGS_inspector);
  if (options.inspector_path.empty()) {
    options.inspector_path = InspectorBesideSelf();
  }
  if (access(options.inspector_path.c_str(), X_OK) != 0) {
    // Uploads to items with a content rule will fail INTERNAL until fixed.
    spdlog::error("event=inspector_missing path={}", options.inspector_path);
  }
  if (const std::string path = absl::GetFlag(FLAGS_receipt_key);
      !path.empty()) {
    absl::StatusOr<handin::ReceiptKey> key =
        handin::ReceiptKey::FromPrivateKeyFile(path);
    if (!key.ok()) {
      spdlog::critical("event=bad_receipt_key msg=\"{}\"",
                       std::string(key.status().message()));
      return 1;
    }
    spdlog::info("event=receipt_key key_id={}", key->key_id());
    options.receipt_key =
        std::make_shared<const handin::ReceiptKey>(*std::move(key));
  } else {
    spdlog::warn(
        "event=receipts_unsigned msg=\"no --receipt_key: receipts cannot be "
        "verified offline\"");
  }
  handin::SystemClock clock;
  handin::Executor executor(io_threads);
  handin::intake::IntakeServiceImpl service(
      options,
      handin::deadline::v1::DeadlineService::NewStub(*deadline_channel),
      *std::move(storage), clock, executor, **authenticator);

  spdlog::info(
      "event=peers deadline={} storage={} io_threads={} "
      "max_file_bytes={} inspector={} spool_dir={} max_inspections={} "
      "upload_idle_timeout={} spool_grace={}",
      absl::GetFlag(FLAGS_deadline_addr), absl::GetFlag(FLAGS_storage_addr),
      io_threads, max_file_bytes, options.inspector_path, options.spool_dir,
      max_inspections, absl::FormatDuration(idle_timeout),
      absl::FormatDuration(spool_grace));
  absl::Status served = handin::ServeUntilSignalled(
      "intake",
      handin::ServerOptionsFromFlags("127.0.0.1:50051", *authenticator),
      {&service});
  if (!served.ok()) {
    spdlog::critical("event=cannot_serve msg=\"{}\"",
                     std::string(served.message()));
    return 1;
  }
  return 0;
}
