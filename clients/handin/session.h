#ifndef HANDIN_CLIENTS_HANDIN_SESSION_H_
#define HANDIN_CLIENTS_HANDIN_SESSION_H_

// What every handin command shares: the global options, where it writes,
// the connection to intake, one unary call and how failures are reported.

#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/call_deadline.h"
#include "common/caller.h"
#include "grpcpp/client_context.h"
#include "handin/intake/v1/intake_service.grpc.pb.h"

namespace handin::client {

// The options every command shares (the CLI's global flags).
struct GlobalOptions {
  // host:port of intake. Default 127.0.0.1:50051 (env HANDIN_SERVER).
  std::string server = "127.0.0.1:50051";
  // PEM CA that signed intake's certificate; empty: the system's roots
  // (env HANDIN_CA).
  std::string ca_file;
  // Talk plaintext instead of TLS. Default false.
  bool insecure = false;
  // The student's bearer token, from course staff (env HANDIN_TOKEN, or
  // `token = "..."` in the config file). Required; calls act for its
  // subject.
  std::string token;
  // Course id. Default eecs598-w24 (env HANDIN_COURSE).
  std::string course = "eecs598-w24";
  // The request id every call of this run carries (x-request-id, which the
  // services write on their log lines), printed with server errors so a
  // student can quote it to staff. Empty: none. main makes one per run.
  std::string request_id;
};

// The config file read when --config is not given:
// $XDG_CONFIG_HOME/handin/config.toml, else ~/.config/handin/config.toml
// (empty when neither variable is set).
std::string DefaultConfigPath();

// Where a command writes: the result to `out`, errors (one line each,
// starting "handin: "), warnings, questions and the progress bar to `err`.
struct Console {
  std::ostream& out;
  std::ostream& err;
  // Draw a progress bar on `err` (only when it is a terminal).
  bool progress = false;
  // Where answers to questions come from; null: nowhere (never ask).
  std::istream* in = nullptr;
  // `in` is a terminal a person types into, so a question may be asked.
  bool interactive = false;
};

// How long a unary call to intake may take.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(10);
// How long `handin status` waits for intake.
inline constexpr absl::Duration kStatusTimeout = kCallTimeout;

// Returns a stub for intake at `options.server`, over TLS verified against
// `options.ca_file` (or the system's roots) unless `options.insecure`,
// whose calls carry `options.token`.
// NotFound / InvalidArgument when the CA file cannot be read.
absl::StatusOr<std::unique_ptr<intake::v1::IntakeService::StubInterface>>
MakeIntakeStub(const GlobalOptions& options);

// Returns OK if `options` carry a token and a course; otherwise
// InvalidArgument saying which flag or variable to set.
absl::Status CheckIdentity(const GlobalOptions& options);

// Checks the identity, then returns a stub as MakeIntakeStub does. Errors are
// local ones (the caller exits kExitLocalError).
absl::StatusOr<std::unique_ptr<intake::v1::IntakeService::StubInterface>>
OpenIntake(const GlobalOptions& options);

// Makes `context` fail at once when intake cannot be reached (rather than
// wait for it), and carry `options.request_id`. (The channel attaches the
// token.)
void PrepareContext(grpc::ClientContext& context, const GlobalOptions& options);

// One unary call to intake, bounded by kCallTimeout:
// `(stub.*method)(context, request, response)`.
template <typename Request, typename Response>
grpc::Status CallIntake(
    intake::v1::IntakeService::StubInterface& stub,
    grpc::Status (intake::v1::IntakeService::StubInterface::*method)(
        grpc::ClientContext*, const Request&, Response*),
    const GlobalOptions& options, const Request& request, Response* response) {
  grpc::ClientContext context;
  PrepareContext(context, options);
  SetDeadlineAfter(context, kCallTimeout);
  return (stub.*method)(&context, request, response);
}

// Writes "handin: <message>" on `console.err` and returns kExitLocalError.
int LocalFailure(Console& console, absl::string_view message);

// " (request id <id>)" for `options.request_id`; empty when it is empty.
std::string RequestIdNote(const GlobalOptions& options);

// Writes "handin: ", DescribeRpcError's line for `status` and the
// RequestIdNote on `console.err` and returns kExitServerError.
int ServerFailure(Console& console, const grpc::Status& status,
                  const GlobalOptions& options);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_SESSION_H_
