#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace handin::metrics {
namespace {

// A programming error in how metrics are declared: stop at once, loudly.
[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "handin metrics: %s\n", message.c_str());
  std::abort();
}

bool IsValidName(const std::string& name, bool colons_allowed) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        c == '_' || (colons_allowed && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void CheckNames(const std::string& name, const std::vector<std::string>& labels,
                bool histogram) {
  if (!IsValidName(name, /*colons_allowed=*/true)) {
    Die(absl::StrCat("\"", name, "\" is not a valid metric name"));
  }
  for (const std::string& label : labels) {
    if (!IsValidName(label, /*colons_allowed=*/false) ||
        label.rfind("__", 0) == 0 || (histogram && label == "le")) {
      Die(absl::StrCat("\"", label, "\" is not a valid label name of ", name));
    }
  }
}

// A sample value as printf's %g would write it with the fewest digits that
// read back the same (0.0005, 2.5, 1e+06); +Inf, -Inf and NaN as Prometheus
// spells them.
std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value,
                                    std::chars_format::general);
  return std::string(buffer, result.ptr);
}

// `text` with \ and newline escaped, and " too when `quote`.
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// Appends `name{label="value",...} sample\n`; `le` (a bucket's bound) is
// added as the last label when not empty.
void AppendSample(std::string& out, const std::string& name,
                  const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values,
                  const std::string& le, const std::string& sample) {
  out += name;
  std::vector<std::string> pairs;
  for (size_t i = 0; i < label_names.size(); ++i) {
    pairs.push_back(absl::StrCat(label_names[i], "=\"",
                                 Escape(label_values[i], true), "\""));
  }
  if (!le.empty()) pairs.push_back(absl::StrCat("le=\"", le, "\""));
  if (!pairs.empty())
    absl::StrAppend(&out, "{", absl::StrJoin(pairs, ","), "}");
  absl::StrAppend(&out, " ", sample, "\n");
}

}  // namespace

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(*bounds),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds->size() + 1)) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) {
  const size_t bucket =
      std::isnan(value)
          ? bounds_.size()
          : std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                bounds_.begin();
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + value,
                                     std::memory_order_relaxed)) {
  }
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts.push_back(total);
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

const std::vector<double>& LatencyBucketsSeconds() {
  static const auto* const bounds = new std::vector<double>{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *bounds;
}

template <typename Metric>
Metric& Family<Metric>::WithLabels(
    const std::vector<std::string>& label_values) {
  if (label_values.size() != label_names_.size()) {
    Die(absl::StrCat("got ", label_values.size(), " label values for labels (",
                     absl::StrJoin(label_names_, ","), ")"));
  }
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = series_.find(label_values);
    if (it != series_.end()) return *it->second;
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Metric>& series = series_[label_values];
  if (series == nullptr) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      series = std::make_unique<Histogram>(&bounds_);
    } else {
      series = std::make_unique<Metric>();
    }
  }
  return *series;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
  std::string help;
  const char* type;  // "counter", "gauge" or "histogram"
  std::vector<std::string> labels;
  std::vector<double> bounds;
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry& Registry::Default() {
  static Registry* const registry = new Registry();
  return *registry;
}

Registry::Entry& Registry::Register(const std::string& name,
                                    const std::string& help, const char* type,
                                    const std::vector<std::string>& labels,
                                    const std::vector<double>& bounds) {
  const bool histogram = std::string(type) == "histogram";
  CheckNames(name, labels, histogram);
  if (histogram) {
    for (size_t i = 0; i < bounds.size(); ++i) {
      if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        Die(absl::StrCat("the bounds of ", name,
                         " must be finite and strictly increasing"));
      }
    }
  }
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Entry>& entry = families_[name];
  if (entry != nullptr) {
    if (std::string(entry->type) != type || entry->labels != labels ||
        entry->bounds != bounds) {
      Die(absl::StrCat(name, " is registered twice, differently"));
    }
    return *entry;
  }
  entry = std::make_unique<Entry>();
  entry->help = help;
  entry->type = type;
  entry->labels = labels;
  entry->bounds = bounds;
  if (histogram) {
    entry->histograms = std::make_unique<Family<Histogram>>(labels, bounds);
  } else if (std::string(type) == "gauge") {
    entry->gauges = std::make_unique<Family<Gauge>>(labels);
  } else {
    entry->counters = std::make_unique<Family<Counter>>(labels);
  }
  return *entry;
}

Family<Counter>& Registry::Counters(const std::string& name,
                                    const std::string& help,
                                    std::vector<std::string> label_names) {
  return *Register(name, help, "counter", label_names, {}).counters;
}

Family<Gauge>& Registry::Gauges(const std::string& name,
                                const std::string& help,
                                std::vector<std::string> label_names) {
  return *Register(name, help, "gauge", label_names, {}).gauges;
}

Family<Histogram>& Registry::Histograms(const std::string& name,
                                        const std::string& help,
                                        std::vector<std::string> label_names,
                                        const std::vector<double>& bounds) {
  return *Register(name, help, "histogram", label_names, bounds).histograms;
}

std::string Registry::Exposition() const {
  std::string out;
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& family : families_) {
    // Named references, not structured bindings: C++17 lambdas (and clang,
    // which builds the fuzz targets) cannot capture bindings.
    const std::string& name = family.first;
    const auto& entry = family.second;
    absl::StrAppend(&out, "# HELP ", name, " ", Escape(entry->help, false),
                    "\n# TYPE ", name, " ", entry->type, "\n");
    const std::vector<std::string>& labels = entry->labels;
    if (entry->counters != nullptr) {
      entry->counters->ForEach([&](const auto& values, const Counter& c) {
        AppendSample(out, name, labels, values, "", absl::StrCat(c.Value()));
      });
    } else if (entry->gauges != nullptr) {
      entry->gauges->ForEach([&](const auto& values, const Gauge& g) {
        AppendSample(out, name, labels, values, "", absl::StrCat(g.Value()));
      });
    } else {
      const std::string bucket = name + "_bucket";
      entry->histograms->ForEach([&](const auto& values, const Histogram& h) {
        const Histogram::Snapshot snapshot = h.Read();
        for (size_t i = 0; i < snapshot.cumulative_counts.size(); ++i) {
          const std::string le = i < entry->bounds.size()
                                     ? FormatDouble(entry->bounds[i])
                                     : "+Inf";
          AppendSample(out, bucket, labels, values, le,
                       absl::StrCat(snapshot.cumulative_counts[i]));
        }
        AppendSample(out, name + "_sum", labels, values, "",
                     FormatDouble(snapshot.sum));
        AppendSample(out, name + "_count", labels, values, "",
                     absl::StrCat(snapshot.cumulative_counts.back()));
      });
    }
  }
  return out;
}

}  // namespace handin::metrics
