#ifndef HANDIN_SERVICES_STORAGE_PERIODIC_SWEEP_H_
#define HANDIN_SERVICES_STORAGE_PERIODIC_SWEEP_H_

#include <memory>

#include "absl/time/time.h"
#include "common/periodic_task.h"
#include "services/storage/submission_store.h"

namespace handin::storage {

// Runs SubmissionStore::SweepStaged every `interval` (real time) while the
// returned task exists; a failed sweep is logged and retried at the next
// interval. `store` must outlive the task.
std::unique_ptr<PeriodicTask> StartPeriodicSweep(SubmissionStore& store,
                                                 absl::Duration interval);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_PERIODIC_SWEEP_H_
