#include "common/logging.h"

#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace handin {

void InitLogging(const std::string& service_name) {
  auto logger = spdlog::stderr_logger_mt(service_name);
  logger->set_pattern(
      "ts=%Y-%m-%dT%H:%M:%S.%fZ level=%l service=" + service_name + " %v",
      spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
}

}  // namespace handin
