#include "services/storage/storage_metrics.h"

namespace handin::storage {

StorageMetrics& StorageMetrics::Get() {
  static StorageMetrics* const metrics = new StorageMetrics();
  return *metrics;
}

StorageMetrics::StorageMetrics()
    : received_bytes_(metrics::Registry::Default()
                          .Counters("handin_storage_received_bytes_total",
                                    "Upload chunk bytes storage wrote.")
                          .Unlabeled()),
      commit_seconds_(metrics::Registry::Default()
                          .Histograms("handin_storage_commit_seconds",
                                      "Time a submission's commit (its synced "
                                      "write) took, in seconds.",
                                      {}, metrics::LatencyBucketsSeconds())
                          .Unlabeled()) {}

}  // namespace handin::storage
