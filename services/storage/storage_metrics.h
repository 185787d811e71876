#ifndef HANDIN_SERVICES_STORAGE_STORAGE_METRICS_H_
#define HANDIN_SERVICES_STORAGE_STORAGE_METRICS_H_

#include <chrono>
#include <cstddef>

#include "common/metrics.h"

namespace handin::storage {

// storage's own metrics, in the process's registry (metrics::Registry::
// Default(), which its /metrics serves); docs/deploy.md, Observability.
// The gRPC interceptor counts calls by method and code besides these.
class StorageMetrics {
 public:
  // The one set, registered on first use.
  static StorageMetrics& Get();

  // handin_storage_received_bytes_total: chunk bytes written to RocksDB.
  void BytesReceived(size_t bytes) { received_bytes_.Increment(bytes); }
  // handin_storage_commit_seconds: time a PutSubmission commit (the synced
  // write of its record and indexes) took, committed or not.
  void CommitTook(std::chrono::steady_clock::duration elapsed) {
    commit_seconds_.Observe(std::chrono::duration<double>(elapsed).count());
  }

 private:
  StorageMetrics();

  metrics::Counter& received_bytes_;
  metrics::Histogram& commit_seconds_;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_STORAGE_METRICS_H_
