#include "common/metrics.h"

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace handin::metrics {
namespace {

TEST(Registry, RendersCountersGaugesAndHistogramsInTheTextFormat) {
  Registry registry;
  Family<Counter>& verdicts = registry.Counters(
      "handin_test_verdicts_total", "Verdicts, by kind.", {"verdict"});
  verdicts.WithLabels({"ON_TIME"}).Increment(3);
  verdicts.WithLabels({"LATE_COUNTED"}).Increment();
  registry.Gauges("handin_test_in_flight", "Uploads in flight.")
      .Unlabeled()
      .Add(2);
  static const std::vector<double> kBounds = {0.5, 1, 2.5};
  Histogram& latency = registry
                           .Histograms("handin_test_commit_seconds",
                                       "Commit latency.", {}, kBounds)
                           .Unlabeled();
  latency.Observe(0.25);
  latency.Observe(1);
  latency.Observe(7);

  EXPECT_EQ(registry.Exposition(),
            "# HELP handin_test_commit_seconds Commit latency.\n"
            "# TYPE handin_test_commit_seconds histogram\n"
            "handin_test_commit_seconds_bucket{le=\"0.5\"} 1\n"
            "handin_test_commit_seconds_bucket{le=\"1\"} 2\n"
            "handin_test_commit_seconds_bucket{le=\"2.5\"} 2\n"
            "handin_test_commit_seconds_bucket{le=\"+Inf\"} 3\n"
            "handin_test_commit_seconds_sum 8.25\n"
            "handin_test_commit_seconds_count 3\n"
            "# HELP handin_test_in_flight Uploads in flight.\n"
            "# TYPE handin_test_in_flight gauge\n"
            "handin_test_in_flight 2\n"
            "# HELP handin_test_verdicts_total Verdicts, by kind.\n"
            "# TYPE handin_test_verdicts_total counter\n"
            "handin_test_verdicts_total{verdict=\"LATE_COUNTED\"} 1\n"
            "handin_test_verdicts_total{verdict=\"ON_TIME\"} 3\n");
}

TEST(Registry,
     LabeledHistogramsPutLeLastAndFamiliesWithoutSeriesKeepTheirType) {
  Registry registry;
  registry.Counters("handin_test_refusals_total", "Refusals.", {"code"});
  static const std::vector<double> kBounds = {0.001};
  registry
      .Histograms("handin_test_seconds", "Latency.", {"method", "shard"},
                  kBounds)
      .WithLabels({"/a.B/C", "1"})
      .Observe(0.0005);
  EXPECT_EQ(registry.Exposition(),
            "# HELP handin_test_refusals_total Refusals.\n"
            "# TYPE handin_test_refusals_total counter\n"
            "# HELP handin_test_seconds Latency.\n"
            "# TYPE handin_test_seconds histogram\n"
            "handin_test_seconds_bucket{method=\"/a.B/C\",shard=\"1\","
            "le=\"0.001\"} 1\n"
            "handin_test_seconds_bucket{method=\"/a.B/C\",shard=\"1\","
            "le=\"+Inf\"} 1\n"
            "handin_test_seconds_sum{method=\"/a.B/C\",shard=\"1\"} 0.0005\n"
            "handin_test_seconds_count{method=\"/a.B/C\",shard=\"1\"} 1\n");
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry
      .Counters("handin_test_total", "Back\\slash and\nnewline \"kept\".",
                {"v"})
      .WithLabels({"a\"b\\c\nd"})
      .Increment();
  EXPECT_EQ(registry.Exposition(),
            "# HELP handin_test_total Back\\\\slash and\\nnewline "
            "\"kept\".\n"
            "# TYPE handin_test_total counter\n"
            "handin_test_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Registry, RegisteringTheSameFamilyAgainReturnsIt) {
  Registry registry;
  Family<Counter>& first = registry.Counters("handin_test_total", "h", {"k"});
  Family<Counter>& again = registry.Counters("handin_test_total", "h", {"k"});
  EXPECT_EQ(&first, &again);
  first.WithLabels({"x"}).Increment();
  EXPECT_EQ(again.WithLabels({"x"}).Value(), 1u);
}

TEST(RegistryDeathTest, RegisteringANameTwiceDifferentlyAborts) {
  Registry registry;
  registry.Counters("handin_test_total", "h", {"k"});
  EXPECT_DEATH(registry.Gauges("handin_test_total", "h", {"k"}),
               "registered twice");
  EXPECT_DEATH(registry.Counters("handin_test_total", "h", {"other"}),
               "registered twice");
}

TEST(RegistryDeathTest, InvalidNamesAndWrongLabelCountsAbort) {
  Registry registry;
  EXPECT_DEATH(registry.Counters("handin-test", "h"), "not a valid metric");
  EXPECT_DEATH(registry.Counters("handin_test_total", "h", {"__reserved"}),
               "not a valid label");
  static const std::vector<double> kBounds = {1};
  EXPECT_DEATH(registry.Histograms("handin_test_seconds", "h", {"le"}, kBounds),
               "not a valid label");
  static const std::vector<double> kUnsorted = {2, 1};
  EXPECT_DEATH(
      registry.Histograms("handin_test_other_seconds", "h", {}, kUnsorted),
      "strictly increasing");
  Family<Counter>& family = registry.Counters("handin_ok_total", "h", {"k"});
  EXPECT_DEATH(family.WithLabels({}), "got 0 label values");
}

TEST(Counter, CountsEveryIncrementFromManyThreads) {
  Registry registry;
  Family<Counter>& family = registry.Counters("handin_test_total", "h", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&family] {
      for (int i = 0; i < 10000; ++i) family.WithLabels({"same"}).Increment();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(family.WithLabels({"same"}).Value(), 40000u);
}

TEST(Histogram, ABoundaryValueFallsInItsOwnBucketAndNaNInTheLast) {
  static const std::vector<double> kBounds = {1, 2};
  Histogram histogram(&kBounds);
  histogram.Observe(1);
  histogram.Observe(2);
  histogram.Observe(std::nan(""));
  EXPECT_THAT(histogram.Read().cumulative_counts,
              ::testing::ElementsAre(1, 2, 3));
}

TEST(LatencyBucketsSeconds, AreIncreasingFromAMillisecondToTenSeconds) {
  const std::vector<double>& bounds = LatencyBucketsSeconds();
  ASSERT_FALSE(bounds.empty());
  EXPECT_EQ(bounds.front(), 0.001);
  EXPECT_EQ(bounds.back(), 10);
  EXPECT_TRUE(std::is_sorted(bounds.begin(), bounds.end()));
}

}  // namespace
}  // namespace handin::metrics
