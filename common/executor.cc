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
  for (std::thread& worker : workers_) worker.join();
}

void Executor::Schedule(std::function<void()> task) {
  Task queued{std::move(task), CurrentRequestId()};
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(queued));
}

void Executor::WorkLoop() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Executor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->tasks_.empty();
          },
          this));
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    RequestIdScope scope(std::move(task.request_id));
    task.run();
  }
}

}  // namespace handin
