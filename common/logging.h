#ifndef HANDIN_COMMON_LOGGING_H_
#define HANDIN_COMMON_LOGGING_H_

#include <string>

namespace handin {

// Sets spdlog's default logger to write structured logfmt lines to stderr:
//   ts=2024-05-01T22:00:00.123456Z level=info service=intake event=... k=v
// Call sites log "event=<name> key=value ..." so lines stay machine-readable.
void InitLogging(const std::string& service_name);

}  // namespace handin

#endif  // HANDIN_COMMON_LOGGING_H_
