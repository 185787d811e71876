#include "services/storage/periodic_sweep.h"

#include <string>

#include "spdlog/spdlog.h"

namespace handin::storage {

PeriodicSweep::PeriodicSweep(SubmissionStore& store, absl::Duration interval)
    : store_(store), interval_(interval), thread_([this] { Run(); }) {}

PeriodicSweep::~PeriodicSweep() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void PeriodicSweep::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) {
        return;
      }
    }
    absl::StatusOr<SweepResult> swept = store_.SweepStaged();
    if (!swept.ok()) {
      spdlog::error("event=staged_sweep_failed code={} error=\"{}\"",
                    absl::StatusCodeToString(swept.status().code()),
                    std::string(swept.status().message()));
    }
  }
}

}  // namespace handin::storage
