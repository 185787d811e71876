#ifndef HANDIN_SERVICES_STORAGE_PERIODIC_SWEEP_H_
#define HANDIN_SERVICES_STORAGE_PERIODIC_SWEEP_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/storage/submission_store.h"

namespace handin::storage {

// Runs SubmissionStore::SweepStaged on a background thread every
// `interval` (real time) while it exists; a failed sweep is logged and
// retried at the next interval. `store` must outlive it.
class PeriodicSweep {
 public:
  PeriodicSweep(SubmissionStore& store, absl::Duration interval);
  // Stops the thread: at once while it waits, after the sweep in progress
  // otherwise.
  ~PeriodicSweep();
  PeriodicSweep(const PeriodicSweep&) = delete;
  PeriodicSweep& operator=(const PeriodicSweep&) = delete;

 private:
  void Run();

  SubmissionStore& store_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_PERIODIC_SWEEP_H_
