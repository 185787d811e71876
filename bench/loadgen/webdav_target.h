#ifndef HANDIN_BENCH_LOADGEN_WEBDAV_TARGET_H_
#define HANDIN_BENCH_LOADGEN_WEBDAV_TARGET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/loadgen/target.h"

struct ssl_ctx_st;

namespace handin::bench {

struct WebDavTargetOptions {
  // Where the server listens, e.g. 127.0.0.1.
  std::string host = "127.0.0.1";
  int port = 0;
  // Speak HTTPS (verified against `ca_file`, host name "localhost") rather
  // than plain HTTP.
  bool tls = true;
  std::string ca_file;
  // Students (each has its own connections).
  int students = 0;
  // Bytes handed to the connection per write, as handin's chunk size.
  int64_t chunk_bytes = int64_t{1} << 20;
  // Longest one upload may take (socket send and receive timeouts).
  absl::Duration upload_timeout = absl::Minutes(10);
};

// Uploads with HTTP/1.1 PUT to /rush/<student>/<tag>-<file name>, the way
// a department's plain upload server (nginx's WebDAV module) takes files:
// the answer is "201 Created" once the server has the bytes, with no hash,
// no check and no fsync. Each student keeps its own keep-alive
// connections. 2xx is stored, 4xx refused, anything else failed.
class WebDavTarget final : public Target {
 public:
  // INVALID_ARGUMENT / NOT_FOUND when the CA file cannot be used.
  static absl::StatusOr<std::unique_ptr<WebDavTarget>> Create(
      WebDavTargetOptions options);
  ~WebDavTarget() override;

  absl::Status Connect(int student) override;
  UploadResult Upload(int student, const std::string& item_id,
                      const GeneratedFile& file,
                      const std::string& tag) override;

 private:
  class Connection;

  explicit WebDavTarget(WebDavTargetOptions options);
  absl::StatusOr<std::unique_ptr<Connection>> Open();
  // An idle connection of `student`, or a new one.
  absl::StatusOr<std::unique_ptr<Connection>> Take(int student);
  void Return(int student, std::unique_ptr<Connection> connection);

  const WebDavTargetOptions options_;
  ssl_ctx_st* ssl_context_ = nullptr;
  absl::Mutex mu_;
  // Idle keep-alive connections per student.
  std::vector<std::vector<std::unique_ptr<Connection>>> idle_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace handin::bench

#endif  // HANDIN_BENCH_LOADGEN_WEBDAV_TARGET_H_
