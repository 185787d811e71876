#include "services/storage/periodic_sweep.h"

#include <string>

#include "spdlog/spdlog.h"

namespace handin::storage {

std::unique_ptr<PeriodicTask> StartPeriodicSweep(SubmissionStore& store,
                                                 absl::Duration interval) {
  return std::make_unique<PeriodicTask>(interval, [&store] {
    absl::StatusOr<SweepResult> swept = store.SweepStaged();
    if (!swept.ok()) {
      spdlog::error("event=staged_sweep_failed code={} error=\"{}\"",
                    absl::StatusCodeToString(swept.status().code()),
                    std::string(swept.status().message()));
    }
  });
}

}  // namespace handin::storage
