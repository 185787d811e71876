#ifndef HANDIN_TESTS_TESTING_METRIC_SAMPLE_H_
#define HANDIN_TESTS_TESTING_METRIC_SAMPLE_H_

#include <string>

namespace handin::testing {

// The value of the sample `series` (name and labels exactly as exposed) in
// `exposition`, a /metrics text exposition (metrics::Registry::Exposition);
// 0 when absent (a labeled series appears when first used).
double MetricSample(const std::string& exposition, const std::string& series);

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_METRIC_SAMPLE_H_
