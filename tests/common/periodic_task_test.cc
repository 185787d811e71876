#include "common/periodic_task.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace handin {
namespace {

TEST(PeriodicTask, RunsAgainAndAgainUntilDestroyed) {
  std::atomic<int> runs{0};
  absl::Notification third_run;
  {
    PeriodicTask task(absl::Milliseconds(1), [&] {
      if (++runs == 3) third_run.Notify();
    });
    ASSERT_TRUE(third_run.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }
  const int after_destruction = runs.load();
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(runs.load(), after_destruction);
}

TEST(PeriodicTask, WaitsOneIntervalBeforeItsFirstRun) {
  std::atomic<int> runs{0};
  {
    PeriodicTask task(absl::Hours(1), [&] { ++runs; });
  }
  EXPECT_EQ(runs.load(), 0);
}

TEST(PeriodicTask, DestructionDoesNotWaitOutTheInterval) {
  const absl::Time start = absl::Now();
  {
    PeriodicTask task(absl::Hours(1), [] {});
  }
  // Not a timing assertion on the code's speed: an hour would mean the
  // destructor slept through the interval.
  EXPECT_LT(absl::Now() - start, absl::Minutes(10));
}

TEST(PeriodicTask, DestructionWaitsForTheRunInProgress) {
  absl::Notification running;
  absl::Notification release;
  std::atomic<bool> destroyed{false};
  auto task = std::make_unique<PeriodicTask>(absl::Milliseconds(1), [&] {
    if (running.HasBeenNotified()) return;
    running.Notify();
    release.WaitForNotification();
  });
  running.WaitForNotification();
  std::thread destroyer([&] {
    task.reset();
    destroyed = true;
  });
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(destroyed.load()) << "destroyed while its run was in progress";
  release.Notify();
  destroyer.join();
  EXPECT_TRUE(destroyed.load());
}

}  // namespace
}  // namespace handin
