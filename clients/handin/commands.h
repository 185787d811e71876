#ifndef HANDIN_CLIENTS_HANDIN_COMMANDS_H_
#define HANDIN_CLIENTS_HANDIN_COMMANDS_H_

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"  // common/clock.h uses absl::Now without it.
#include "absl/time/time.h"
#include "common/clock.h"
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
  // The user id calls act for (env HANDIN_USER). Required.
  std::string user;
  // Course id. Default eecs598-w24 (env HANDIN_COURSE).
  std::string course = "eecs598-w24";
};

// Where a command writes: the result to `out`, errors (one line each,
// starting "handin: ") and the progress bar to `err`.
struct Console {
  std::ostream& out;
  std::ostream& err;
  // Draw a progress bar on `err` (only when it is a terminal).
  bool progress = false;
};

// How long `handin status` waits for intake.
inline constexpr absl::Duration kStatusTimeout = absl::Seconds(10);

// Returns a stub for intake at `options.server`, over TLS verified against
// `options.ca_file` (or the system's roots) unless `options.insecure`.
// NotFound / InvalidArgument when the CA file cannot be read.
absl::StatusOr<std::unique_ptr<intake::v1::IntakeService::StubInterface>>
MakeIntakeStub(const GlobalOptions& options);

// `handin submit --item ITEM FILE`: inspects and hashes FILE, uploads it and
// prints the receipt on `out`. Returns the exit code: 0 on success,
// kExitLocalError (2) for a missing user, an unusable FILE or CA file,
// kExitServerError (1) when intake refuses, fails or cannot be reached.
int RunSubmit(const GlobalOptions& options, const std::string& item_id,
              const std::string& file_path, const Clock& clock,
              Console console);

// `handin status`: prints the caller's submissions in the course as a table
// on `out`. Exit codes as for RunSubmit.
int RunStatus(const GlobalOptions& options, Console console);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_COMMANDS_H_
