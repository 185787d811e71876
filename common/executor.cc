#include "common/executor.h"

#include <algorithm>

#include "common/request_id.h"

namespace handin {

Executor::Executor(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    workers_.emplace_back([this] { WorkLoop(); });
  }
}

Executor::~Executor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  work_.SignalAll();
  for (std::thread& worker : workers_) worker.join();
}

void Executor::Schedule(std::function<void()> task) {
  Task queued{std::move(task), CurrentRequestId()};
  {
    absl::MutexLock lock(&mu_);
    tasks_.push_back(std::move(queued));
  }
  // Wakes one idle worker. (An absl::Condition would instead be evaluated
  // for every waiting worker on each unlock: 64 of them in intake.)
  work_.Signal();
}

void Executor::WorkLoop() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_ && tasks_.empty()) work_.Wait(&mu_);
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    RequestIdScope scope(std::move(task.request_id));
    task.run();
  }
}

}  // namespace handin
