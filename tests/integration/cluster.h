#ifndef HANDIN_TESTS_INTEGRATION_CLUSTER_H_
#define HANDIN_TESTS_INTEGRATION_CLUSTER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/channel.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {

// The four real handin binaries from the build, started the way scripts/up
// starts them: TLS with a fresh course CA, mutual TLS for deadline and
// storage, ephemeral loopback ports, the reference course, and a RocksDB
// in a temporary directory.
class Cluster {
 public:
  Cluster() = default;
  // Stops every service with SIGTERM (SIGKILL after 15 s).
  ~Cluster();

  // Makes the TLS material and starts storage, deadline, intake and grading
  // in that order, each waited on until its health service says SERVING.
  absl::Status Start();

  // Sends SIGTERM to `service` and returns its exit code.
  absl::StatusOr<int> Stop(const std::string& service);

  // "127.0.0.1:<port>" of "intake", "deadline", "storage" or "grading".
  std::string Address(const std::string& service) const;
  // "localhost:<port>", which the test certificate names.
  std::string TlsAddress(const std::string& service) const;
  // A channel to `service` with the CA and, for mutual TLS, the certificate.
  std::shared_ptr<grpc::Channel> Channel(const std::string& service) const;

  std::string CaFile() const { return dir_.File("tls/ca.pem"); }
  std::string CertFile() const { return dir_.File("tls/server.pem"); }
  std::string KeyFile() const { return dir_.File("tls/server.key"); }
  // The receipt signing key intake uses, and its public half.
  std::string ReceiptKeyFile() const { return dir_.File("keys/receipt.key"); }
  std::string ReceiptPublicKeyFile() const {
    return dir_.File("keys/receipt.pub");
  }
  // Path of a binary in the build tree's bin/.
  static std::string Binary(const std::string& name);
  // The last lines of `service`'s log, for failure messages.
  std::string LogTail(const std::string& service) const;

 private:
  absl::Status StartService(const std::string& name,
                            const std::vector<std::string>& args);

  TempDir dir_;
  std::map<std::string, std::unique_ptr<Subprocess>> processes_;
  std::map<std::string, int> ports_;
};

// Content the reference course accepts (intake checks it by its bytes):
// a zip with a README at its root and `random_bytes` pseudo-random bytes
// from `seed` in data.bin (for project-code), and a PDF of `pages` blank
// pages (for the PDF items; different page counts, different bytes).
std::string CodeZip(size_t random_bytes, unsigned seed);
std::string PdfBytes(int pages);

// Uploads `content` for `item` of the reference course as `user` straight
// through intake's gRPC API (no client-side checks), in one chunk, with
// idempotency key `key`; returns the call's status and fills `response`.
grpc::Status UploadDirect(Cluster& cluster, const std::string& user,
                          const std::string& item, const std::string& content,
                          const std::string& key,
                          intake::v1::UploadResponse* response);

}  // namespace handin::testing

#endif  // HANDIN_TESTS_INTEGRATION_CLUSTER_H_
