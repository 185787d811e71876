#ifndef HANDIN_COMMON_LOGGING_H_
#define HANDIN_COMMON_LOGGING_H_

#include <ostream>
#include <string>

namespace handin {

// Sets spdlog's default logger to write structured logfmt lines to stderr:
//   ts=2024-05-01T22:00:00.123456Z level=info service=intake event=... k=v
// Call sites log "event=<name> key=value ..." so lines stay machine-readable.
// A line written while the thread has a current request id
// (common/request_id.h) ends with " request_id=<id>".
void InitLogging(const std::string& service_name);

// As InitLogging, writing to `out` (not owned; must outlive logging), for
// tests of what lines look like.
void InitLogging(const std::string& service_name, std::ostream& out);

}  // namespace handin

#endif  // HANDIN_COMMON_LOGGING_H_
