#include "common/executor.h"

#include <atomic>

#include "gtest/gtest.h"

namespace handin {
namespace {

TEST(Executor, RunsEveryScheduledTaskBeforeDestructionCompletes) {
  std::atomic<int> ran{0};
  {
    Executor executor(3);
    for (int i = 0; i < 1000; ++i) executor.Schedule([&ran] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 1000);
}

TEST(Executor, ATaskMayScheduleAnother) {
  std::atomic<int> ran{0};
  {
    Executor executor(1);
    executor.Schedule([&] {
      ++ran;
      executor.Schedule([&ran] { ++ran; });
    });
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace handin
