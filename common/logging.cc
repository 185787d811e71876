#include "common/logging.h"

#include "common/request_id.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace handin {
namespace {

// The %* flag: " request_id=<id>" when the logging thread has a current
// request id (common/request_id.h), nothing otherwise.
class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string& id = CurrentRequestId();
    if (id.empty()) return;
    static constexpr char kKey[] = " request_id=";
    dest.append(kKey, kKey + sizeof(kKey) - 1);
    dest.append(id.data(), id.data() + id.size());
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

// Makes `logger` write handin's lines and the default logger.
void UseLogger(std::shared_ptr<spdlog::logger> logger,
               const std::string& service_name) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(
      spdlog::pattern_time_type::utc);
  formatter->add_flag<RequestIdFlag>('*').set_pattern(
      "ts=%Y-%m-%dT%H:%M:%S.%fZ level=%l service=" + service_name + " %v%*");
  logger->set_formatter(std::move(formatter));
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

void InitLogging(const std::string& service_name) {
  UseLogger(spdlog::stderr_logger_mt(service_name), service_name);
}

void InitLogging(const std::string& service_name, std::ostream& out) {
  UseLogger(
      std::make_shared<spdlog::logger>(
          service_name, std::make_shared<spdlog::sinks::ostream_sink_mt>(out)),
      service_name);
}

}  // namespace handin
