#ifndef HANDIN_COMMON_METRICS_H_
#define HANDIN_COMMON_METRICS_H_

// Prometheus metrics: counters, gauges and histograms with labels, kept in
// a Registry that renders them in the text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Updating a metric is lock-free (relaxed atomics). Looking a series up by
// its label values takes a reader lock on its family (a writer lock only the
// first time those values are seen); code on a hot path with fixed label
// values looks the series up once and keeps the reference, which stays
// valid for the registry's lifetime.
//
// Names follow Prometheus conventions: handin_<service>_<what>_<unit>,
// counters ending in _total, durations in seconds, sizes in bytes. Label
// values must come from a small fixed set (a status code, a verdict kind),
// never from user input such as a principal or a file name.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace handin::metrics {

// A count that only goes up (e.g. bytes received, calls handled).
class Counter {
 public:
  void Increment(uint64_t by = 1) {
    value_.fetch_add(by, std::memory_order_relaxed);
  }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (e.g. uploads in flight).
class Gauge {
 public:
  void Add(int64_t delta) {
    value_.fetch_add(delta, std::memory_order_relaxed);
  }
  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Observations counted into buckets with fixed upper bounds (e.g. commit
// latencies in seconds).
class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, strictly increasing and finite;
  // +Inf is implied. Not owned; must outlive the histogram.
  explicit Histogram(const std::vector<double>* bounds);

  // Counts `value` in the first bucket whose bound is >= `value`.
  void Observe(double value);

  struct Snapshot {
    // Observations <= each bound (cumulative), then the total (+Inf).
    std::vector<uint64_t> cumulative_counts;
    double sum = 0;
  };
  // The counts and sum now. Taken while observations may continue, so the
  // sum may lag the counts by an observation in flight.
  Snapshot Read() const;

 private:
  const std::vector<double>& bounds_;
  // One per bound plus the +Inf bucket; not cumulative.
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// Bounds (seconds) for latencies from a millisecond to ten seconds.
const std::vector<double>& LatencyBucketsSeconds();

// Every series of one metric: one per combination of label values.
// Instantiated for Counter, Gauge and Histogram.
template <typename Metric>
class Family {
 public:
  // `bounds`: Histogram families only, as for Histogram.
  explicit Family(std::vector<std::string> label_names,
                  std::vector<double> bounds = {})
      : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  // The series with `label_values` (one per label name, in their order),
  // created at zero the first time. Aborts when the count is wrong: that is
  // a programming error. The reference is valid as long as the registry.
  Metric& WithLabels(const std::vector<std::string>& label_values);
  // The only series of a family without labels.
  Metric& Unlabeled() { return WithLabels({}); }

  const std::vector<std::string>& label_names() const { return label_names_; }
  const std::vector<double>& bounds() const { return bounds_; }

  // Calls `visit(label_values, metric)` for every series, in label order.
  template <typename Visit>
  void ForEach(Visit visit) const {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [values, metric] : series_) visit(values, *metric);
  }

 private:
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> series_
      ABSL_GUARDED_BY(mu_);
};

// A set of metric families, rendered together. Thread-safe.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process's registry: what a server's /metrics endpoint serves and
  // where services register their metrics.
  static Registry& Default();

  // Registers (or returns the already registered) family `name`, with
  // `help` for its # HELP line. Registering a name again with another type,
  // other labels or other bounds aborts, as does an invalid metric or label
  // name: both are programming errors.
  Family<Counter>& Counters(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names = {});
  Family<Gauge>& Gauges(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names = {});
  Family<Histogram>& Histograms(const std::string& name,
                                const std::string& help,
                                std::vector<std::string> label_names,
                                const std::vector<double>& bounds);

  // Every family in name order, in the text exposition format 0.0.4: its
  // # HELP and # TYPE lines, then its series in label order.
  std::string Exposition() const;

 private:
  struct Entry;
  // The entry for `name`, made by `make` unless it exists; aborts if it
  // exists with another type, labels or bounds.
  Entry& Register(const std::string& name, const std::string& help,
                  const char* type, const std::vector<std::string>& labels,
                  const std::vector<double>& bounds);

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>> families_ ABSL_GUARDED_BY(mu_);
};

// The content type of Registry::Exposition's text.
inline constexpr char kExpositionContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace handin::metrics

#endif  // HANDIN_COMMON_METRICS_H_
