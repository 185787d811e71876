#ifndef HANDIN_BENCH_LOADGEN_TARGET_H_
#define HANDIN_BENCH_LOADGEN_TARGET_H_

// What the load generator uploads to: handin's intake (handin_target.h) or
// a plain WebDAV server (webdav_target.h), behind one interface so both
// receive the same files from the same client code and are timed alike.

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bench/loadgen/content.h"

namespace handin::bench {

// How one upload ended.
struct UploadResult {
  enum class Outcome {
    // Stored, and (for handin) its receipt verified.
    kStored,
    // The server answered "no" (a gRPC refusal code, an HTTP 4xx).
    kRefused,
    // Anything else: a broken connection, a server error, a timeout, or a
    // receipt that does not verify.
    kFailed,
  };
  Outcome outcome = Outcome::kFailed;
  // Why, when not kStored: a status code name and the message.
  std::string error;
  // From the moment the last chunk of the file was handed to the transport
  // to the moment the answer (the receipt) was in hand.
  absl::Duration receipt_latency;
};

// One server the students upload to. Thread-safe: any number of uploads at
// once, several by the same student included.
class Target {
 public:
  virtual ~Target() = default;
  // Opens student `student`'s connection (TLS handshake included) so that
  // the timed uploads start on a warm one, as a student's client would
  // have connected before its last chunk. Errors say why.
  virtual absl::Status Connect(int student) = 0;
  // Uploads `file` as student `student` to `item_id`. `tag` makes the
  // upload's name unique (a WebDAV path; handin's idempotency key).
  virtual UploadResult Upload(int student, const std::string& item_id,
                              const GeneratedFile& file,
                              const std::string& tag) = 0;
};

}  // namespace handin::bench

#endif  // HANDIN_BENCH_LOADGEN_TARGET_H_
