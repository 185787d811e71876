#include "services/intake/intake_metrics.h"

#include <string>

#include "absl/strings/strip.h"

namespace handin::intake {
namespace {

// ON_TIME for VERDICT_KIND_ON_TIME.
std::string VerdictLabel(common::v1::VerdictKind kind) {
  absl::string_view name = common::v1::VerdictKind_Name(kind);
  absl::ConsumePrefix(&name, "VERDICT_KIND_");
  return std::string(name);
}

}  // namespace

IntakeMetrics& IntakeMetrics::Get() {
  static IntakeMetrics* const metrics = new IntakeMetrics();
  return *metrics;
}

IntakeMetrics::IntakeMetrics()
    : in_flight_(metrics::Registry::Default()
                     .Gauges("handin_intake_uploads_in_flight",
                             "Upload streams open at intake.")
                     .Unlabeled()),
      received_bytes_(metrics::Registry::Default()
                          .Counters("handin_intake_received_bytes_total",
                                    "File bytes intake accepted in upload "
                                    "chunks, stored or not.")
                          .Unlabeled()),
      stored_(metrics::Registry::Default().Counters(
          "handin_intake_stored_uploads_total",
          "Uploads stored, by the kind of their verdict.", {"verdict"})),
      refused_(metrics::Registry::Default().Counters(
          "handin_intake_refused_uploads_total",
          "Uploads refused, by status code.", {"code"})) {
  // The verdicts a stored upload can have appear at zero from the start.
  for (common::v1::VerdictKind kind :
       {common::v1::VERDICT_KIND_ON_TIME, common::v1::VERDICT_KIND_LATE_COUNTED,
        common::v1::VERDICT_KIND_LATE_NOT_COUNTED}) {
    stored_.WithLabels({VerdictLabel(kind)});
  }
}

void IntakeMetrics::Stored(common::v1::VerdictKind kind) {
  stored_.WithLabels({VerdictLabel(kind)}).Increment();
}

void IntakeMetrics::Refused(absl::StatusCode code) {
  refused_.WithLabels({absl::StatusCodeToString(code)}).Increment();
}

}  // namespace handin::intake
