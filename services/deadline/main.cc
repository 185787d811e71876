// handin-deadline: serves one course's deadline policy over gRPC.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/server_flags.h"
#include "common/server_runner.h"
#include "common/storage_shards.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"
#include "services/deadline/access.h"
#include "services/deadline/deadline_service.h"
#include "services/deadline/policy_loader.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, policy, "",
          "course policy to serve: a handin.deadline.v1.CoursePolicy in "
          "protobuf text format, e.g. config/courses/eecs598-w24.textproto "
          "(required)");
ABSL_FLAG(std::string, storage_addr, "",
          "host:port of the storage service that keeps extensions, called "
          "with the TLS flags' credentials; with storage shards, every "
          "shard's host:port in shard order, comma-separated, of which the "
          "course's shard is called (docs/deploy.md). Empty (the default) "
          "disables extensions: verdicts ignore them and the extension RPCs "
          "fail with FAILED_PRECONDITION");
ABSL_FLAG(int, io_threads, 16,
          "threads for calls that read storage (extensions, late days); "
          "each holds one for the length of its reads");
ABSL_FLAG(std::string, check_policy, "",
          "FILE: load and validate the policy in FILE (spelled "
          "--check-policy FILE or --check_policy=FILE), print its warnings "
          "and errors, and exit 0 if it loads or 1 if not, without serving");

namespace {

std::vector<std::string> Lines(absl::string_view text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// Loads the policy at `path`, prints its errors (stderr) or warnings and a
// summary (stdout), and returns the exit code: 0 if it loads, 1 if not.
int CheckPolicy(const std::string& path) {
  auto course = handin::deadline::LoadCourseFromFile(path);
  if (!course.ok()) {
    const std::vector<std::string> errors = Lines(course.status().message());
    for (const std::string& error : errors) {
      std::fprintf(stderr, "%s\n", error.c_str());
    }
    std::fprintf(stderr, "%s: %zu error(s); the policy does not load\n",
                 path.c_str(), errors.size());
    return 1;
  }
  for (const std::string& warning : (*course)->warnings()) {
    std::printf("%s\n", warning.c_str());
  }
  std::printf(
      "%s: course %s loads: %d students, %d sessions, %zu items, "
      "%zu warning(s)\n",
      path.c_str(), (*course)->id().c_str(),
      (*course)->policy().roster().students_size(),
      (*course)->policy().sessions_size(), (*course)->items().size(),
      (*course)->warnings().size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  handin::ParseServerFlags(
      argc, argv,
      "serves a course's deadline policy over gRPC: verdicts for "
      "submissions (and what-if verdicts for an upload started now), the "
      "items and deadlines each student owes, and each student's deadlines "
      "as an iCalendar file. \"Now\" is this machine's clock.\n"
      "  handin-deadline --policy FILE [--listen HOST:PORT] "
      "[--storage_addr HOST:PORT[,HOST:PORT...]] [TLS flags]\n"
      "  handin-deadline --check-policy FILE   (validate only)");
  handin::InitLogging("deadline");

  if (const std::string path = absl::GetFlag(FLAGS_check_policy);
      !path.empty()) {
    return CheckPolicy(path);
  }

  const std::string path = absl::GetFlag(FLAGS_policy);
  if (path.empty()) {
    std::fprintf(stderr,
                 "handin-deadline: --policy FILE is required, e.g. --policy "
                 "config/courses/eecs598-w24.textproto\n");
    return 1;
  }
  auto course = handin::deadline::LoadCourseFromFile(path);

  if (!course.ok()) {
    // One line: the first problem, and how to see the rest.
    const std::vector<std::string> errors = Lines(course.status().message());
    std::string line = absl::StrCat("handin-deadline: cannot load policy: ",
                                    errors.empty() ? "" : errors.front());
    if (errors.size() > 1) {
      absl::StrAppend(&line, " (and ", errors.size() - 1,
                      " more; run with --check-policy FILE to see them all)");
    }
    std::fprintf(stderr, "%s\n", line.c_str());
    return 1;
  }
  for (const std::string& warning : (*course)->warnings()) {
    spdlog::warn("event=policy_warning msg=\"{}\"", absl::CEscape(warning));
  }
  spdlog::info("event=policy_loaded course={} file={} items={} warnings={}",
               (*course)->id(), path, (*course)->items().size(),
               (*course)->warnings().size());

  const int io_threads = absl::GetFlag(FLAGS_io_threads);
  if (io_threads < 1) {
    std::fprintf(stderr, "handin-deadline: --io_threads must be at least 1\n");
    return 2;
  }
  std::unique_ptr<handin::storage::v1::StorageService::StubInterface> storage;
  if (const std::string addr = absl::GetFlag(FLAGS_storage_addr);
      !addr.empty()) {
    // One course: of the shards listed, only the one that keeps it.
    auto shard =
        handin::CourseShardAddress(addr, "storage_addr", (*course)->id());
    auto channel =
        shard.ok() ? handin::PeerChannelFromFlags(*shard) : shard.status();
    if (!channel.ok()) {
      std::fprintf(stderr, "handin-deadline: %s\n",
                   std::string(channel.status().message()).c_str());
      return 1;
    }
    storage = handin::storage::v1::StorageService::NewStub(*channel);
    spdlog::info("event=extensions_enabled storage={}", *shard);
  } else {
    spdlog::warn(
        "event=extensions_disabled msg=\"no --storage_addr: extensions are "
        "neither applied nor grantable\"");
  }

  auto authenticator =
      handin::AuthenticatorFromFlags(handin::deadline::DeadlineAccess());
  if (!authenticator.ok()) {
    std::fprintf(stderr, "handin-deadline: %s\n",
                 std::string(authenticator.status().message()).c_str());
    return 1;
  }
  // The server's clock is the only clock (DESIGN.md, Time).
  const handin::SystemClock clock;
  handin::deadline::DeadlineServiceImpl service(
      std::shared_ptr<const handin::deadline::Course>(*std::move(course)),
      clock, **authenticator, std::move(storage), io_threads);
  const absl::Status served = handin::ServeUntilSignalled(
      "deadline",
      handin::ServerOptionsFromFlags("127.0.0.1:50052", *authenticator),
      {&service});
  if (!served.ok()) {
    std::fprintf(stderr, "handin-deadline: %s\n",
                 std::string(served.message()).c_str());
    return 1;
  }
  return 0;
}
