// handin-grading: staff's read access to submissions.
#include <cstdio>

#include "absl/flags/flag.h"
#include "common/clock.h"
#include "common/executor.h"
#include "common/logging.h"
#include "common/server_flags.h"
#include "common/storage_shards.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"
#include "services/grading/access.h"
#include "services/grading/grading_service.h"

ABSL_FLAG(std::string, storage_addr, "127.0.0.1:50053",
          "host:port of the storage service; with storage shards, every "
          "shard's host:port in shard order, comma-separated (each course's "
          "calls go to the shard that keeps it; docs/deploy.md)");
ABSL_FLAG(std::string, deadline_addr, "127.0.0.1:50052",
          "host:port of the deadline service, which says which submission "
          "of an item counts");
ABSL_FLAG(int, io_threads, 4,
          "threads for blocking calls to storage and deadline");

int main(int argc, char **argv) {
  handin::ParseServerFlags(
      argc, argv,
      "lists a course's submissions and keeps its grades, for staff and "
      "students.\nUsage: "
      "handin-grading [--listen=HOST:PORT] "
      "[--storage_addr=HOST:PORT[,HOST:PORT...]] [--deadline_addr=HOST:PORT] "
      "--tls_cert=F "
      "--tls_key=F --tls_ca=F");
  handin::InitLogging("grading");

  auto authenticator =
      handin::AuthenticatorFromFlags(handin::grading::GradingAccess());
  auto storage = handin::StorageShardsFromFlag(
      absl::GetFlag(FLAGS_storage_addr), "storage_addr");
  auto deadline_channel =
      handin::PeerChannelFromFlags(absl::GetFlag(FLAGS_deadline_addr));
  for (const absl::Status &status :
       {authenticator.status(), storage.status(), deadline_channel.status()}) {
    if (status.ok()) continue;
    std::fprintf(stderr, "handin-grading: %s\n",
                 std::string(status.message()).c_str());
    return 1;
  }
  handin::Executor executor(absl::GetFlag(FLAGS_io_threads));
  handin::SystemClock clock;
  handin::grading::GradingServiceImpl service(
      *std::move(storage),
      handin::deadline::v1::DeadlineService::NewStub(*deadline_channel),
      executor, **authenticator, clock);
  handin::ServerOptions options =
      handin::ServerOptionsFromFlags("127.0.0.1:50054", *authenticator);
  options.service_names = {
      handin::grading::v1::GradingService::service_full_name()};
  absl::Status served =
      handin::ServeUntilSignalled("grading", options, {&service});
  if (!served.ok()) {
    std::fprintf(stderr, "handin-grading: %s\n",
                 std::string(served.message()).c_str());
    return 1;
  }
  return 0;
}
