#include "tests/integration/cluster.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/caller.h"
#include "common/request_id.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"
#include "httplib.h"
#include "tests/services/inspect/fixtures.h"

namespace handin::testing {
namespace {

const char* const kStopOrder[] = {"grading", "intake", "deadline", "storage"};

}  // namespace

std::string Cluster::Binary(const std::string& name) {
  return BinaryDir() + "/bin/" + name;
}

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)) {}

Cluster::~Cluster() { (void)StopAll(); }

absl::Status Cluster::Start() {
  CommandResult tls = RunCommand(
      {"/bin/bash", "-c",
       absl::StrCat("source '", SourceDir(), "/scripts/lib/tls.sh' && source '",
                    SourceDir(), "/scripts/lib/keys.sh' && handin_make_tls '",
                    dir_.File("tls"), "' && handin_make_keys '",
                    dir_.File("keys"), "' && handin_issue_service_tokens '",
                    Binary("handin-admin"), "' '", dir_.File("keys"), "'")});
  if (tls.exit_code != 0) {
    return absl::InternalError(absl::StrCat("making TLS material: ", tls.err));
  }
  const std::string policy =
      options_.policy_file.empty()
          ? SourceDir() + "/config/courses/eecs598-w24.textproto"
          : options_.policy_file;
  // Each service's own flags, then the TLS ones, then the caller's extras.
  auto flags = [&](const std::string& service, std::vector<std::string> args) {
    for (const std::string& flag :
         {"--tls_cert=" + CertFile(), "--tls_key=" + KeyFile(),
          "--tls_ca=" + CaFile(), "--token_key=" + TokenPublicKeyFile()}) {
      args.push_back(flag);
    }
    if (service != "storage") {
      args.push_back("--service_token=" +
                     dir_.File("keys/" + service + ".token"));
    }
    auto extra = options_.extra_flags.find(service);
    if (extra != options_.extra_flags.end()) {
      args.insert(args.end(), extra->second.begin(), extra->second.end());
    }
    return args;
  };
  absl::Status started = StartService(
      "storage", flags("storage", {"--mtls", "--data_dir=" + StorageDataDir()}),
      0);
  if (!started.ok()) return started;
  std::string shard_addresses = TlsAddress("storage");
  for (int shard = 1; shard < options_.storage_shards; ++shard) {
    const std::string name = absl::StrCat("storage", shard);
    started = StartService(
        name,
        flags("storage", {"--mtls", "--data_dir=" + StorageDataDir() + name}),
        0);
    if (!started.ok()) return started;
    absl::StrAppend(&shard_addresses, ",", TlsAddress(name));
  }
  started =
      StartService("deadline",
                   flags("deadline", {"--mtls", "--policy=" + policy,
                                      "--storage_addr=" + shard_addresses}),
                   0);
  if (!started.ok()) return started;
  started =
      StartService("intake",
                   flags("intake", {"--deadline_addr=" + TlsAddress("deadline"),
                                    "--storage_addr=" + shard_addresses,
                                    "--receipt_key=" + ReceiptKeyFile(),
                                    "--spool_dir=" + dir_.File("spool")}),
                   0);
  if (!started.ok()) return started;
  return StartService(
      "grading",
      flags("grading", {"--storage_addr=" + shard_addresses,
                        "--deadline_addr=" + TlsAddress("deadline")}),
      0);
}

absl::Status Cluster::StartService(const std::string& name,
                                   const std::vector<std::string>& args,
                                   int port, int metrics_port) {
  const std::string port_file = dir_.File(name + ".port");
  std::remove(port_file.c_str());  // a restart must not read the old one
  // Every storage shard ("storage", "storage1", ...) is handin-storage.
  const std::string binary =
      absl::StartsWith(name, "storage") ? "handin-storage" : "handin-" + name;
  std::vector<std::string> argv = {
      Binary(binary), absl::StrCat("--listen=127.0.0.1:", port),
      "--port_file=" + port_file,
      // Not the service's default port: clusters run side by side.
      absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port),
      "--metrics_port_file=" + dir_.File(name + ".metrics_port")};
  argv.insert(argv.end(), args.begin(), args.end());
  auto started = Subprocess::Start(argv, dir_.File(name + ".log"));
  if (!started.ok()) return started.status();
  Subprocess* process = started->get();
  {
    absl::MutexLock lock(&mu_);
    args_[name] = args;
    processes_[name] = *std::move(started);
  }

  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (absl::Now() < give_up) {
    if (!process->Running()) {
      return absl::InternalError(
          absl::StrCat("handin-", name, " exited at start:\n", LogTail(name)));
    }
    std::ifstream in(port_file);
    int bound = 0;
    if (in >> bound && bound > 0) {
      {
        absl::MutexLock lock(&mu_);
        ports_[name] = bound;
      }
      CommandResult health = RunCommand(
          {Binary("handin-health"), "--quiet", "--addr=" + TlsAddress(name),
           "--ca=" + CaFile(), "--cert=" + CertFile(), "--key=" + KeyFile()});
      if (health.exit_code == 0) return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "handin-", name, " did not report SERVING in 30 s:\n", LogTail(name)));
}

std::unique_ptr<Subprocess> Cluster::TakeProcess(const std::string& service) {
  absl::MutexLock lock(&mu_);
  auto it = processes_.find(service);
  if (it == processes_.end()) return nullptr;
  std::unique_ptr<Subprocess> process = std::move(it->second);
  processes_.erase(it);
  return process;
}

absl::StatusOr<int> Cluster::Stop(const std::string& service) {
  std::unique_ptr<Subprocess> process = TakeProcess(service);
  if (process == nullptr) {
    return absl::NotFoundError(absl::StrCat(service, " is not running"));
  }
  process->Signal(SIGTERM);
  return process->Wait(absl::Seconds(15));
}

absl::Status Cluster::StopAll() {
  std::vector<std::string> order(std::begin(kStopOrder), std::end(kStopOrder));
  {
    // Storage shards beyond the first go last, with storage.
    absl::MutexLock lock(&mu_);
    for (const auto& [name, process] : processes_) {
      if (std::find(order.begin(), order.end(), name) == order.end()) {
        order.push_back(name);
      }
    }
  }
  absl::Status first;
  for (const std::string& name : order) {
    absl::StatusOr<int> code = Stop(name);
    if (!code.ok() && !absl::IsNotFound(code.status())) {
      first.Update(code.status());
    } else if (code.ok() && *code != 0) {
      first.Update(
          absl::InternalError(absl::StrCat("handin-", name, " exited ", *code,
                                           " on SIGTERM:\n", LogTail(name))));
    }
  }
  return first;
}

absl::StatusOr<int> Cluster::Kill(const std::string& service) {
  std::unique_ptr<Subprocess> process = TakeProcess(service);
  if (process == nullptr) {
    return absl::NotFoundError(absl::StrCat(service, " is not running"));
  }
  process->Signal(SIGKILL);
  return process->Wait(absl::Seconds(15));
}

absl::Status Cluster::Restart(const std::string& service) {
  std::vector<std::string> args;
  int port = 0;
  {
    absl::MutexLock lock(&mu_);
    if (processes_.count(service) > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(service, " is running"));
    }
    auto known = args_.find(service);
    if (known == args_.end() || ports_.count(service) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(service, " was never started"));
    }
    args = known->second;
    port = ports_.at(service);
  }
  return StartService(service, args, port, MetricsPort(service));
}

absl::StatusOr<pid_t> Cluster::Pid(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  auto it = processes_.find(service);
  if (it == processes_.end()) {
    return absl::NotFoundError(absl::StrCat(service, " is not running"));
  }
  return it->second->pid();
}

std::string Cluster::Address(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  return absl::StrCat("127.0.0.1:", ports_.at(service));
}

std::string Cluster::TlsAddress(const std::string& service) const {
  absl::MutexLock lock(&mu_);
  return absl::StrCat("localhost:", ports_.at(service));
}

std::shared_ptr<grpc::Channel> Cluster::Channel(
    const std::string& service, const std::string& token) const {
  auto credentials = MakeChannelCredentials(
      {.ca_file = CaFile(), .cert_file = CertFile(), .key_file = KeyFile()});
  return CreateTokenChannel(TlsAddress(service), *credentials, token);
}

std::string Cluster::Token(Role role, const std::string& subject,
                           const std::string& course) const {
  const absl::Time now = absl::Now();
  return SignToken({.subject = subject,
                    .role = role,
                    .course_id = course,
                    .issued_at = now,
                    .expires_at = now + absl::Hours(24)});
}

std::string Cluster::SignToken(const TokenClaims& claims) const {
  absl::StatusOr<std::string> key =
      ReadFileToString(dir_.File("keys/token.key"));
  absl::StatusOr<std::string> token =
      key.ok() ? IssueToken(claims, *key) : key.status();
  return token.value_or("");
}

std::string Cluster::ServiceToken(const std::string& name) const {
  absl::StatusOr<std::string> token =
      ReadFileToString(dir_.File("keys/" + name + ".token"));
  return std::string(absl::StripAsciiWhitespace(token.value_or("")));
}

std::string Cluster::LogTail(const std::string& service) const {
  std::vector<std::string> lines = absl::StrSplit(Log(service), '\n');
  const size_t keep = 20;
  if (lines.size() > keep) lines.erase(lines.begin(), lines.end() - keep);
  return absl::StrJoin(lines, "\n");
}

std::string Cluster::Log(const std::string& service) const {
  return ReadFileToString(dir_.File(service + ".log")).value_or("");
}

int Cluster::MetricsPort(const std::string& service) const {
  int port = 0;
  std::ifstream(dir_.File(service + ".metrics_port")) >> port;
  return port;
}

std::string CodeZip(size_t random_bytes, unsigned seed) {
  std::mt19937 random(seed);
  std::string data(random_bytes, '\0');
  for (char& c : data) c = static_cast<char>(random());
  return inspect::testing::ZipBytes(
      {inspect::testing::File("README.md", "make && ./run\n"),
       inspect::testing::File("data.bin", data)});
}

std::string PdfBytes(int pages) {
  TempDir dir;
  const std::string path = dir.File("blank.pdf");
  inspect::testing::WritePdf(path, pages);
  absl::StatusOr<std::string> bytes = ReadFileToString(path);
  return bytes.ok() ? *std::move(bytes) : "";
}

grpc::Status UploadDirect(Cluster& cluster, const DirectUpload& upload,
                          intake::v1::UploadResponse* response,
                          bool* finish_sent) {
  if (finish_sent != nullptr) *finish_sent = false;
  auto intake = intake::v1::IntakeService::NewStub(cluster.Channel("intake"));
  grpc::ClientContext context;
  AttachToken(context, upload.token.empty()
                           ? cluster.Token(Role::kStudent, upload.user)
                           : upload.token);
  if (!upload.request_id.empty()) AttachRequestId(context, upload.request_id);
  if (upload.timeout != absl::InfiniteDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + upload.timeout));
  }
  auto writer = intake->Upload(&context, response);
  intake::v1::UploadRequest message;
  intake::v1::UploadMetadata& metadata = *message.mutable_metadata();
  metadata.set_course_id("eecs598-w24");
  metadata.set_item_id(upload.item);
  metadata.set_file_name(upload.file_name);
  metadata.set_size_bytes(upload.declared_size.value_or(
      static_cast<int64_t>(upload.content.size())));
  metadata.set_sha256_hex(upload.declared_sha256_hex.empty()
                              ? Sha256::Of(upload.content)
                              : upload.declared_sha256_hex);
  metadata.set_idempotency_key(upload.key);
  metadata.set_resume_offset(upload.resume_offset);
  bool open = writer->Write(message);
  const absl::string_view content = upload.content;
  const size_t chunk_bytes =
      upload.chunk_bytes > 0 ? upload.chunk_bytes : content.size();
  size_t offset = static_cast<size_t>(upload.resume_offset);
  do {  // one chunk at least, even of no bytes
    const absl::string_view data = content.substr(offset, chunk_bytes);
    message.mutable_chunk()->set_offset(static_cast<int64_t>(offset));
    message.mutable_chunk()->set_data(data.data(), data.size());
    open = open && writer->Write(message);
    offset += data.size();
  } while (open && offset < content.size());
  if (open && upload.cut_before_finish && upload.cut_before_finish()) {
    context.TryCancel();
    return writer->Finish();
  }
  if (open) {
    if (finish_sent != nullptr) *finish_sent = true;
    message.mutable_finish();
    writer->Write(message);
  }
  writer->WritesDone();
  return writer->Finish();
}

std::string ScrapeMetrics(const Cluster& cluster, const std::string& service) {
  httplib::Client client("127.0.0.1", cluster.MetricsPort(service));
  client.set_read_timeout(10);
  httplib::Result result = client.Get("/metrics");
  if (!result || result->status != 200) return "";
  return result->body;
}

grpc::Status UploadDirect(Cluster& cluster, const std::string& user,
                          const std::string& item, const std::string& content,
                          const std::string& key,
                          intake::v1::UploadResponse* response) {
  return UploadDirect(
      cluster, {.user = user, .item = item, .content = content, .key = key},
      response);
}

}  // namespace handin::testing
