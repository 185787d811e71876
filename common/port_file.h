#ifndef HANDIN_COMMON_PORT_FILE_H_
#define HANDIN_COMMON_PORT_FILE_H_

#include <string>

#include "absl/status/status.h"

namespace handin {

// Writes `port` and a newline to `path` atomically (a temporary file beside
// it, then rename), so a reader never sees a partial number: how a server
// asked for port 0 tells its starter which port it got (--port_file).
// FailedPrecondition naming the file if it cannot be written.
absl::Status WritePortFile(const std::string& path, int port);

}  // namespace handin

#endif  // HANDIN_COMMON_PORT_FILE_H_
