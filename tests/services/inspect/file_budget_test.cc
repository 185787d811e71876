#include "services/inspect/file_budget.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace handin::inspect {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

TEST(BudgetForFileTest, SmallFileKeepsTheServiceLimits) {
  const Limits limits;
  const SandboxOptions sandbox;
  const InspectionBudget budget = BudgetForFile(limits, sandbox, 1 * kMiB);
  EXPECT_EQ(budget.limits.max_inflated_bytes, limits.max_inflated_bytes);
  EXPECT_EQ(budget.limits.max_entries, limits.max_entries);
  EXPECT_EQ(budget.limits.max_inflation_ratio, limits.max_inflation_ratio);
  EXPECT_EQ(budget.sandbox.memory_bytes, sandbox.memory_bytes);
  // 1 MiB read plus 4 MiB inflated at 64 MiB/s: 78.125 ms more.
  EXPECT_EQ(budget.sandbox.timeout,
            sandbox.timeout + absl::Microseconds(78125));
  EXPECT_EQ(budget.sandbox.cpu_time,
            sandbox.cpu_time + absl::Microseconds(78125));
}

TEST(BudgetForFileTest, LargeCodeZipMayInflateFourTimesItsSize) {
  const InspectionBudget budget =
      BudgetForFile(Limits(), SandboxOptions(), 500 * kMiB);
  EXPECT_EQ(budget.limits.max_inflated_bytes, 2000 * kMiB);
  // 2500 MiB of work at 64 MiB/s: 39.0625 s on top of the base 10 s.
  EXPECT_EQ(budget.sandbox.timeout, absl::Seconds(10) + absl::Seconds(39.0625));
  EXPECT_EQ(budget.sandbox.memory_bytes, SandboxOptions().memory_bytes);
  EXPECT_EQ(budget.sandbox.inspector_path, SandboxOptions().inspector_path);
}

TEST(BudgetForFileTest, KeepsTheOtherFieldsOfTheGivenOptions) {
  Limits limits;
  limits.max_entries = 7;
  limits.max_archive_depth = 1;
  SandboxOptions sandbox;
  sandbox.inspector_path = "/opt/handin/bin/handin-inspect";
  sandbox.max_output_bytes = 123;
  const InspectionBudget budget = BudgetForFile(limits, sandbox, 300 * kMiB);
  EXPECT_EQ(budget.limits.max_entries, 7);
  EXPECT_EQ(budget.limits.max_archive_depth, 1);
  EXPECT_EQ(budget.sandbox.inspector_path, "/opt/handin/bin/handin-inspect");
  EXPECT_EQ(budget.sandbox.max_output_bytes, 123u);
}

TEST(BudgetForFileTest, NegativeSizeCountsAsEmpty) {
  const InspectionBudget budget = BudgetForFile(Limits(), SandboxOptions(), -5);
  EXPECT_EQ(budget.limits.max_inflated_bytes, Limits().max_inflated_bytes);
  EXPECT_EQ(budget.sandbox.timeout, SandboxOptions().timeout);
}

TEST(BudgetForFileTest, HugeSizeSaturatesInsteadOfOverflowing) {
  const InspectionBudget budget = BudgetForFile(
      Limits(), SandboxOptions(), std::numeric_limits<int64_t>::max() / 2);
  EXPECT_EQ(budget.limits.max_inflated_bytes,
            std::numeric_limits<int64_t>::max());
  EXPECT_GT(budget.sandbox.timeout, SandboxOptions().timeout);
}

}  // namespace
}  // namespace handin::inspect
