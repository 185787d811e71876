#ifndef HANDIN_TESTS_INTEGRATION_CLUSTER_H_
#define HANDIN_TESTS_INTEGRATION_CLUSTER_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth_token.h"
#include "grpcpp/channel.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {

// How a Cluster starts its services. The defaults are scripts/up's.
struct ClusterOptions {
  // The course policy the deadline service serves. Empty (the default): the
  // reference course, config/courses/eecs598-w24.textproto.
  std::string policy_file;
  // More flags for a service ("storage", "deadline", "intake", "grading"),
  // after the cluster's own, so a repeated flag wins. Default: none.
  std::map<std::string, std::vector<std::string>> extra_flags;
  // Storage shards: 1 (the default) runs "storage"; N runs "storage" (shard
  // 0) and "storage1" .. "storage<N-1>", each a handin-storage with its own
  // data directory; every service's --storage_addr lists them, and each
  // routes a course's calls to the shard that keeps it.
  int storage_shards = 1;
};

// The four real handin binaries from the build, started the way scripts/up
// starts them: TLS with a fresh course CA, mutual TLS for deadline and
// storage, a fresh token key with service tokens issued by handin-admin,
// ephemeral loopback ports, the reference course, a RocksDB in a temporary
// directory and intake's spool beside it.
//
// Thread-safe: one thread may Kill and Restart services while others take
// channels to them.
class Cluster {
 public:
  explicit Cluster(ClusterOptions options = {});
  // Stops every running service (StopAll).
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Makes the TLS material and starts storage, deadline, intake and grading
  // in that order, each waited on until its health service says SERVING.
  absl::Status Start();

  // Sends SIGTERM to `service` and returns its exit code (DeadlineExceeded
  // if it still runs after 15 s; it is then killed). NotFound if it is not
  // running.
  absl::StatusOr<int> Stop(const std::string& service);
  // Stops every running service in the order grading, intake, deadline,
  // storage, then the other storage shards (callers before callees). The
  // first error, if any.
  absl::Status StopAll();

  // Sends SIGKILL to `service` (no shutdown of any kind) and returns its
  // exit code, 128 + SIGKILL when the signal killed it. NotFound if it is
  // not running.
  absl::StatusOr<int> Kill(const std::string& service);
  // Starts a stopped or killed `service` again with the flags, the port and
  // the data it had, and waits until it says SERVING. FailedPrecondition if
  // it is running or was never started.
  absl::Status Restart(const std::string& service);
  // The process id of running `service`; NotFound if it is not running.
  absl::StatusOr<pid_t> Pid(const std::string& service) const;

  // "127.0.0.1:<port>" of "intake", "deadline", "storage" or "grading".
  std::string Address(const std::string& service) const;
  // "localhost:<port>", which the test certificate names.
  std::string TlsAddress(const std::string& service) const;
  // A channel to `service` with the CA and, for mutual TLS, the
  // certificate; every call carries `token` unless it is empty.
  std::shared_ptr<grpc::Channel> Channel(const std::string& service,
                                         const std::string& token = "") const;
  // A token signed with the cluster's course key (valid for a day).
  std::string Token(Role role, const std::string& subject,
                    const std::string& course = "eecs598-w24") const;
  // `claims` signed with the cluster's course key ("" if that fails).
  std::string SignToken(const TokenClaims& claims) const;
  // The token the service `name` presents to its peers (as issued by
  // handin-admin at Start).
  std::string ServiceToken(const std::string& name) const;
  // The public key the services verify tokens with.
  std::string TokenPublicKeyFile() const { return dir_.File("keys/token.pub"); }

  std::string CaFile() const { return dir_.File("tls/ca.pem"); }
  std::string CertFile() const { return dir_.File("tls/server.pem"); }
  std::string KeyFile() const { return dir_.File("tls/server.key"); }
  // The receipt signing key intake uses, and its public half.
  std::string ReceiptKeyFile() const { return dir_.File("keys/receipt.key"); }
  std::string ReceiptPublicKeyFile() const {
    return dir_.File("keys/receipt.pub");
  }
  // The storage service's --data_dir (kept across restarts).
  std::string StorageDataDir() const { return dir_.File("storage"); }
  // Path of a binary in the build tree's bin/.
  static std::string Binary(const std::string& name);
  // The last lines of `service`'s log (every run of it), for failure
  // messages.
  std::string LogTail(const std::string& service) const;
  // All of `service`'s log (every run of it).
  std::string Log(const std::string& service) const;
  // The port of `service`'s GET /metrics (plain HTTP on 127.0.0.1; each
  // service gets an ephemeral one, read from its --metrics_port_file);
  // 0 if it has none.
  int MetricsPort(const std::string& service) const;

 private:
  // Starts handin-<name> with `args` on `port` and its /metrics on
  // `metrics_port` (0: an ephemeral one, read back from its port file) and
  // waits for SERVING. A restart passes both ports of the first start: an
  // ephemeral bind could otherwise be given the gRPC port the killed
  // process just freed, and the restarted server could not listen on it.
  absl::Status StartService(const std::string& name,
                            const std::vector<std::string>& args, int port,
                            int metrics_port = 0);
  std::unique_ptr<Subprocess> TakeProcess(const std::string& service);

  const ClusterOptions options_;
  TempDir dir_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Subprocess>> processes_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> ports_ ABSL_GUARDED_BY(mu_);
  // Each service's flags (besides --listen and --port_file), for Restart.
  std::map<std::string, std::vector<std::string>> args_ ABSL_GUARDED_BY(mu_);
};

// Content the reference course accepts (intake checks it by its bytes):
// a zip with a README at its root and `random_bytes` pseudo-random bytes
// from `seed` in data.bin (for project-code), and a PDF of `pages` blank
// pages (for the PDF items; different page counts, different bytes).
std::string CodeZip(size_t random_bytes, unsigned seed);
std::string PdfBytes(int pages);

// One upload straight through intake's gRPC API (no client-side checks).
struct DirectUpload {
  // The student the call acts for (a token of theirs is attached).
  std::string user;
  // An item of the reference course, e.g. "project-code".
  std::string item;
  // The file's bytes; their size and SHA-256 go in the metadata.
  std::string content;
  // The idempotency key; empty: none.
  std::string key;
  // The file name in the metadata.
  std::string file_name = "upload.pdf";
  // Bytes per chunk message; 0 (the default): the whole content in one.
  size_t chunk_bytes = 0;
  // The call's deadline from now; default: none.
  absl::Duration timeout = absl::InfiniteDuration();
  // What the metadata declares, when it should not match the content (bad
  // input): the size (unset: the content's) and the SHA-256 (empty: the
  // content's).
  std::optional<int64_t> declared_size;
  std::string declared_sha256_hex;
  // The token attached instead of one of `user`'s, when set (bad tokens).
  std::string token;
  // The request id (x-request-id) the call carries; empty: none, intake
  // makes one.
  std::string request_id;
  // A resume: the metadata's resume_offset, and the first byte of
  // `content` sent.
  int64_t resume_offset = 0;
  // Called once every chunk has been written; when it returns true the call
  // is cancelled instead of finished (a connection dropped before the
  // finish). Unset: the finish is sent.
  std::function<bool()> cut_before_finish;
};

// Sends `upload` to the cluster's intake (metadata, chunks, finish) and
// returns the call's status, filling `response`. When `finish_sent` is not
// null it is set to true once every chunk has gone out and the finish is
// about to be written, and false before: intake may only commit an upload
// whose finish was sent.
grpc::Status UploadDirect(Cluster& cluster, const DirectUpload& upload,
                          intake::v1::UploadResponse* response,
                          bool* finish_sent = nullptr);
// `service`'s whole /metrics exposition, fetched over HTTP ("" if none);
// MetricSample (tests/testing/metric_sample.h) reads a value from it.
std::string ScrapeMetrics(const Cluster& cluster, const std::string& service);

// UploadDirect for `content` for `item` of the reference course as `user`,
// in one chunk, with idempotency key `key`.
grpc::Status UploadDirect(Cluster& cluster, const std::string& user,
                          const std::string& item, const std::string& content,
                          const std::string& key,
                          intake::v1::UploadResponse* response);

}  // namespace handin::testing

#endif  // HANDIN_TESTS_INTEGRATION_CLUSTER_H_
