#include "clients/admin/storage_command.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/caller.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "common/tls.h"

namespace handin::admin {

int RunStorageCheckpoint(const StorageCheckpointRequest& request,
                         std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::string> token = ReadFileToString(request.token_file);
  if (!token.ok()) return Fail(err, token.status().message());
  const std::string bearer(absl::StripAsciiWhitespace(*token));
  if (bearer.empty()) {
    return Fail(err, absl::StrCat(request.token_file,
                                  " holds no token; issue one with "
                                  "handin-admin token issue --user backup "
                                  "--role service --course '*'"));
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials({.ca_file = request.tls_ca,
                              .cert_file = request.tls_cert,
                              .key_file = request.tls_key});
  if (!credentials.ok()) return Fail(err, credentials.status().message());
  std::unique_ptr<storage::v1::StorageService::Stub> stub =
      storage::v1::StorageService::NewStub(
          CreateTokenChannel(request.addr, *credentials, bearer));
  return RunCheckpoint(*stub, request.addr, out, err);
}

int RunCheckpoint(storage::v1::StorageService::StubInterface& stub,
                  const std::string& addr, std::ostream& out,
                  std::ostream& err) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCheckpointTimeout));
  storage::v1::CreateCheckpointResponse response;
  const grpc::Status status = stub.CreateCheckpoint(
      &context, storage::v1::CreateCheckpointRequest(), &response);
  if (!status.ok()) {
    return Fail(
        err,
        absl::StrCat(addr, ": CreateCheckpoint failed: ",
                     absl::StatusCodeToString(FromGrpcStatus(status).code()),
                     ": ", status.error_message()));
  }
  const std::string head = response.audit_head_hash_hex().empty()
                               ? "(none)"
                               : response.audit_head_hash_hex();
  out << "path: " << response.path() << "\n"
      << "created: "
      << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          FromProtoTimestamp(response.created_at()),
                          absl::UTCTimeZone())
      << "\n"
      << "audit: " << response.audit_sequence() << " events, head " << head
      << "\n";
  return kExitOk;
}

}  // namespace handin::admin
