#include "tests/integration/cluster.h"

#include <signal.h>

#include <fstream>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/caller.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"
#include "tests/services/inspect/fixtures.h"

namespace handin::testing {
namespace {

const char* const kStopOrder[] = {"grading", "intake", "deadline", "storage"};

}  // namespace

std::string Cluster::Binary(const std::string& name) {
  return BinaryDir() + "/bin/" + name;
}

Cluster::~Cluster() {
  for (const char* name : kStopOrder) {
    if (processes_.count(name) > 0) (void)Stop(name);
  }
}

absl::Status Cluster::Start() {
  CommandResult tls = RunCommand(
      {"/bin/bash", "-c",
       absl::StrCat("source '", SourceDir(), "/scripts/lib/tls.sh' && source '",
                    SourceDir(), "/scripts/lib/keys.sh' && handin_make_tls '",
                    dir_.File("tls"), "' && handin_make_keys '",
                    dir_.File("keys"), "'")});
  if (tls.exit_code != 0) {
    return absl::InternalError(absl::StrCat("making TLS material: ", tls.err));
  }
  const std::vector<std::string> tls_flags = {"--tls_cert=" + CertFile(),
                                              "--tls_key=" + KeyFile(),
                                              "--tls_ca=" + CaFile()};
  auto with_tls = [&](std::vector<std::string> args) {
    args.insert(args.end(), tls_flags.begin(), tls_flags.end());
    return args;
  };
  absl::Status started = StartService(
      "storage", with_tls({"--mtls", "--data_dir=" + dir_.File("storage")}));
  if (!started.ok()) return started;
  started = StartService("deadline",
                         with_tls({"--mtls",
                                   "--policy=" + SourceDir() +
                                       "/config/courses/eecs598-w24.textproto",
                                   "--storage_addr=" + TlsAddress("storage")}));
  if (!started.ok()) return started;
  started = StartService("intake",
                         with_tls({"--deadline_addr=" + TlsAddress("deadline"),
                                   "--storage_addr=" + TlsAddress("storage"),
                                   "--receipt_key=" + ReceiptKeyFile()}));
  if (!started.ok()) return started;
  return StartService("grading",
                      with_tls({"--storage_addr=" + TlsAddress("storage"),
                                "--deadline_addr=" + TlsAddress("deadline")}));
}

absl::Status Cluster::StartService(const std::string& name,
                                   const std::vector<std::string>& args) {
  const std::string port_file = dir_.File(name + ".port");
  std::vector<std::string> argv = {Binary("handin-" + name),
                                   "--listen=127.0.0.1:0",
                                   "--port_file=" + port_file};
  argv.insert(argv.end(), args.begin(), args.end());
  auto process = Subprocess::Start(argv, dir_.File(name + ".log"));
  if (!process.ok()) return process.status();
  processes_[name] = std::move(*process);

  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (absl::Now() < give_up) {
    if (!processes_[name]->Running()) {
      return absl::InternalError(
          absl::StrCat("handin-", name, " exited at start:\n", LogTail(name)));
    }
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) {
      ports_[name] = port;
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

absl::StatusOr<int> Cluster::Stop(const std::string& service) {
  auto it = processes_.find(service);
  if (it == processes_.end()) {
    return absl::NotFoundError(absl::StrCat(service, " is not running"));
  }
  std::unique_ptr<Subprocess> process = std::move(it->second);
  processes_.erase(it);
  process->Signal(SIGTERM);
  return process->Wait(absl::Seconds(15));
}

std::string Cluster::Address(const std::string& service) const {
  return absl::StrCat("127.0.0.1:", ports_.at(service));
}

std::string Cluster::TlsAddress(const std::string& service) const {
  return absl::StrCat("localhost:", ports_.at(service));
}

std::shared_ptr<grpc::Channel> Cluster::Channel(
    const std::string& service) const {
  auto credentials = MakeChannelCredentials(
      {.ca_file = CaFile(), .cert_file = CertFile(), .key_file = KeyFile()});
  return grpc::CreateChannel(TlsAddress(service), *credentials);
}

std::string Cluster::LogTail(const std::string& service) const {
  std::string log = ReadFileToString(dir_.File(service + ".log")).value_or("");
  std::vector<std::string> lines = absl::StrSplit(log, '\n');
  const size_t keep = 20;
  if (lines.size() > keep) lines.erase(lines.begin(), lines.end() - keep);
  return absl::StrJoin(lines, "\n");
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

grpc::Status UploadDirect(Cluster& cluster, const std::string& user,
                          const std::string& item, const std::string& content,
                          const std::string& key,
                          intake::v1::UploadResponse* response) {
  auto intake = intake::v1::IntakeService::NewStub(cluster.Channel("intake"));
  grpc::ClientContext context;
  AttachCaller(context, user);
  auto writer = intake->Upload(&context, response);
  intake::v1::UploadRequest message;
  intake::v1::UploadMetadata& metadata = *message.mutable_metadata();
  metadata.set_course_id("eecs598-w24");
  metadata.set_item_id(item);
  metadata.set_file_name("upload.pdf");
  metadata.set_size_bytes(static_cast<int64_t>(content.size()));
  metadata.set_sha256_hex(Sha256::Of(content));
  metadata.set_idempotency_key(key);
  bool open = writer->Write(message);
  message.mutable_chunk()->set_data(content);
  if (open) open = writer->Write(message);
  message.mutable_finish();
  if (open) writer->Write(message);
  writer->WritesDone();
  return writer->Finish();
}

}  // namespace handin::testing
