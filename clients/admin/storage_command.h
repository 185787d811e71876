#ifndef HANDIN_CLIENTS_ADMIN_STORAGE_COMMAND_H_
#define HANDIN_CLIENTS_ADMIN_STORAGE_COMMAND_H_

#include <ostream>
#include <string>

#include "absl/time/time.h"
#include "clients/admin/exit_codes.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"

namespace handin::admin {

// How long `storage checkpoint` waits for the answer: a checkpoint flushes
// the memtables and links or copies every table file.
inline constexpr absl::Duration kCheckpointTimeout = absl::Minutes(10);

// What `handin-admin storage checkpoint` was asked for.
struct StorageCheckpointRequest {
  // host:port of the storage shard (its --listen), e.g. localhost:50053.
  std::string addr;
  // File holding the bearer token of the `backup` service identity (role
  // service); "/dev/stdin" reads it from standard input.
  std::string token_file;
  // Storage requires mutual TLS: the CA that signed storage's certificate,
  // and a certificate and key signed by the course CA to present.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

// `handin-admin storage checkpoint`: reads the token and the TLS files,
// calls StorageService.CreateCheckpoint on `request.addr` and prints what
// RunCheckpoint prints. Returns kExitOk, or prints one "handin-admin: ..."
// line on `err` and returns kExitError when a file cannot be read or the
// call fails.
int RunStorageCheckpoint(const StorageCheckpointRequest& request,
                         std::ostream& out, std::ostream& err);

// Calls CreateCheckpoint through `stub` (its channel attaches the token)
// with `addr` named in messages, and prints on `out`
//   path: <the checkpoint's directory on the storage host>
//   created: <its instant, RFC 3339 UTC>
//   audit: N events, head <hash>
// where the last line is what `handin-admin audit verify --data_dir
// <path>` prints after "audit chain intact: " (head "(none)" for an empty
// log). Returns kExitOk; on a failed call prints "handin-admin: <addr>:
// CreateCheckpoint failed: <code>: <message>" on `err` and returns
// kExitError.
int RunCheckpoint(storage::v1::StorageService::StubInterface& stub,
                  const std::string& addr, std::ostream& out,
                  std::ostream& err);

}  // namespace handin::admin

#endif  // HANDIN_CLIENTS_ADMIN_STORAGE_COMMAND_H_
