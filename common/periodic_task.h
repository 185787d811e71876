#ifndef HANDIN_COMMON_PERIODIC_TASK_H_
#define HANDIN_COMMON_PERIODIC_TASK_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace handin {

// While it exists, runs `task` on a background thread of its own every
// `interval` (real time), the first time one interval after construction.
// The runs never overlap; the interval counts from the end of one run.
class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> task);
  // Stops the thread: at once while it waits, after the run in progress
  // otherwise.
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void Run();

  const absl::Duration interval_;
  const std::function<void()> task_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace handin

#endif  // HANDIN_COMMON_PERIODIC_TASK_H_
