#ifndef HANDIN_SERVICES_INTAKE_INTAKE_METRICS_H_
#define HANDIN_SERVICES_INTAKE_INTAKE_METRICS_H_

#include "absl/status/status.h"
#include "common/metrics.h"
#include "handin/common/v1/common.pb.h"

namespace handin::intake {

// intake's own metrics, in the process's registry (metrics::Registry::
// Default(), which its /metrics serves); docs/deploy.md, Observability.
// The gRPC interceptor counts calls by method and code besides these.
class IntakeMetrics {
 public:
  // The one set, registered on first use.
  static IntakeMetrics& Get();

  // handin_intake_uploads_in_flight: Upload streams open now.
  void UploadOpened() { in_flight_.Add(1); }
  void UploadClosed() { in_flight_.Add(-1); }
  // handin_intake_received_bytes_total: file bytes accepted from students.
  void BytesReceived(size_t bytes) { received_bytes_.Increment(bytes); }
  // handin_intake_stored_uploads_total{verdict}: uploads stored, by the
  // kind of their verdict (ON_TIME, LATE_COUNTED, LATE_NOT_COUNTED).
  void Stored(common::v1::VerdictKind kind);
  // handin_intake_refused_uploads_total{code}: uploads refused, by status
  // code (INVALID_ARGUMENT, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, ...).
  void Refused(absl::StatusCode code);

 private:
  IntakeMetrics();

  metrics::Gauge& in_flight_;
  metrics::Counter& received_bytes_;
  metrics::Family<metrics::Counter>& stored_;
  metrics::Family<metrics::Counter>& refused_;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_INTAKE_METRICS_H_
