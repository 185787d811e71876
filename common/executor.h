#ifndef HANDIN_COMMON_EXECUTOR_H_
#define HANDIN_COMMON_EXECUTOR_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace handin {

// A fixed pool of threads for work that may block (outbound RPCs, synced
// writes), so gRPC callback threads never do. Tasks run in FIFO order of
// submission, several at a time, each with the current request id
// (common/request_id.h) of the thread that scheduled it.
class Executor {
 public:
  // Starts `threads` workers (at least one).
  explicit Executor(int threads);
  // Runs every task already scheduled, then joins the workers.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task`. Must not be called once destruction has begun.
  void Schedule(std::function<void()> task);

 private:
  void WorkLoop();

  struct Task {
    std::function<void()> run;
    std::string request_id;
  };

  absl::Mutex mu_;
  // Signalled once per task (one idle worker wakes), and for all at stop.
  absl::CondVar work_;
  std::deque<Task> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace handin

#endif  // HANDIN_COMMON_EXECUTOR_H_
