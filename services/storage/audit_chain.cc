#include "services/storage/audit_chain.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"
#include "services/storage/keys.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Extension;
using ::handin::storage::v1::AuditEvent;

constexpr absl::string_view kHeader = "handin-audit-v1\n";

void Field(absl::string_view name, absl::string_view value, std::string* out) {
  absl::StrAppend(out, name, "=", value.size(), ":", value, "\n");
}

std::string Instant(bool present, const google::protobuf::Timestamp& t) {
  if (!present) return "-";
  return absl::StrFormat("%d.%09d", t.seconds(), t.nanos());
}

std::string ExtensionEncoding(bool present, const Extension& extension) {
  if (!present) return "-";
  std::string out;
  Field("course_id", extension.course_id(), &out);
  Field("item_id", extension.item_id(), &out);
  Field("principal", extension.principal(), &out);
  Field("due_at", Instant(extension.has_due_at(), extension.due_at()), &out);
  Field("reason", extension.reason(), &out);
  Field("granted_by", extension.granted_by(), &out);
  Field("granted_at",
        Instant(extension.has_granted_at(), extension.granted_at()), &out);
  return out;
}

std::string Number(double value) { return absl::StrFormat("%.17g", value); }

// A grade record's fields, each encoded with Field, after its kind.
std::string GradeEncoding(bool present,
                          const handin::common::v1::GradeRecord& grade) {
  if (!present) return "-";
  std::string out;
  switch (grade.kind_case()) {
    case handin::common::v1::GradeRecord::kScore: {
      const auto& score = grade.score();
      Field("kind", "score", &out);
      Field("course_id", score.course_id(), &out);
      Field("item_id", score.item_id(), &out);
      Field("principal", score.principal(), &out);
      Field("points", Number(score.points()), &out);
      Field("max_points", Number(score.max_points()), &out);
      Field("comment", score.comment(), &out);
      Field("grader", score.grader(), &out);
      Field("recorded_at",
            Instant(score.has_recorded_at(), score.recorded_at()), &out);
      break;
    }
    case handin::common::v1::GradeRecord::kAttendance: {
      const auto& attendance = grade.attendance();
      Field("kind", "attendance", &out);
      Field("course_id", attendance.course_id(), &out);
      Field("session_id", attendance.session_id(), &out);
      Field("student", attendance.student(), &out);
      Field("present", attendance.present() ? "true" : "false", &out);
      Field("recorded_by", attendance.recorded_by(), &out);
      Field("recorded_at",
            Instant(attendance.has_recorded_at(), attendance.recorded_at()),
            &out);
      break;
    }
    case handin::common::v1::GradeRecord::kBestGroupVote: {
      const auto& vote = grade.best_group_vote();
      Field("kind", "best_group_vote", &out);
      Field("course_id", vote.course_id(), &out);
      Field("session_id", vote.session_id(), &out);
      Field("group_id", vote.group_id(), &out);
      Field("votes", absl::StrCat(vote.votes()), &out);
      Field("recorded_by", vote.recorded_by(), &out);
      Field("recorded_at", Instant(vote.has_recorded_at(), vote.recorded_at()),
            &out);
      break;
    }
    case handin::common::v1::GradeRecord::kRegrade: {
      const auto& regrade = grade.regrade();
      Field("kind", "regrade", &out);
      Field("course_id", regrade.course_id(), &out);
      Field("regrade_id", regrade.regrade_id(), &out);
      Field("item_id", regrade.item_id(), &out);
      Field("principal", regrade.principal(), &out);
      Field("requested_by", regrade.requested_by(), &out);
      Field("reason", regrade.reason(), &out);
      Field("requested_at",
            Instant(regrade.has_requested_at(), regrade.requested_at()), &out);
      Field("state", handin::common::v1::RegradeState_Name(regrade.state()),
            &out);
      Field("resolved_by", regrade.resolved_by(), &out);
      Field("response", regrade.response(), &out);
      Field("resolved_at",
            Instant(regrade.has_resolved_at(), regrade.resolved_at()), &out);
      break;
    }
    case handin::common::v1::GradeRecord::KIND_NOT_SET:
      Field("kind", "none", &out);
      break;
  }
  return out;
}

AuditChainReport Break(AuditChainReport report, uint64_t sequence,
                       std::string expected, std::string found) {
  report.intact = false;
  report.break_sequence = sequence;
  report.expected = std::move(expected);
  report.found = std::move(found);
  return report;
}

}  // namespace

std::string CanonicalAuditEncoding(const AuditEvent& event) {
  std::string out(kHeader);
  Field("sequence", absl::StrCat(event.sequence()), &out);
  Field("recorded_at", Instant(event.has_recorded_at(), event.recorded_at()),
        &out);
  Field("kind", v1::AuditEventKind_Name(event.kind()), &out);
  Field("course_id", event.course_id(), &out);
  Field("principal", event.principal(), &out);
  Field("item_id", event.item_id(), &out);
  Field("subject_id", event.subject_id(), &out);
  Field("sha256_hex", event.sha256_hex(), &out);
  Field("size_bytes", absl::StrCat(event.size_bytes()), &out);
  Field("actor", event.actor(), &out);
  Field("reason", event.reason(), &out);
  Field("old_extension",
        ExtensionEncoding(event.has_old_extension(), event.old_extension()),
        &out);
  Field("new_extension",
        ExtensionEncoding(event.has_new_extension(), event.new_extension()),
        &out);
  Field("previous_hash_hex", event.previous_hash_hex(), &out);
  // Added with grades, after every earlier field and only in events that
  // carry a grade record, so events written before keep their encoding.
  if (event.has_old_grade() || event.has_new_grade()) {
    Field("old_grade", GradeEncoding(event.has_old_grade(), event.old_grade()),
          &out);
    Field("new_grade", GradeEncoding(event.has_new_grade(), event.new_grade()),
          &out);
  }
  return out;
}

std::string AuditEventHash(const AuditEvent& event) {
  return Sha256::Of(CanonicalAuditEncoding(event));
}

AuditChainReport VerifyAuditChain(const std::vector<RawAuditEntry>& entries) {
  AuditChainReport report;
  uint64_t expected_sequence = 1;
  for (const RawAuditEntry& entry : entries) {
    absl::StatusOr<uint64_t> sequence = keys::ParseAuditKey(entry.key);
    if (!sequence.ok()) {
      return Break(report, expected_sequence,
                   absl::StrCat("the key of event ", expected_sequence),
                   absl::StrCat("key \"", absl::CHexEscape(entry.key), "\""));
    }
    if (*sequence != expected_sequence) {
      return Break(
          report, expected_sequence, absl::StrCat("event ", expected_sequence),
          absl::StrCat("event ", *sequence, " (events ", expected_sequence,
                       "..", *sequence - 1, " are missing: deleted)"));
    }
    AuditEvent event;
    if (!event.ParseFromString(entry.value)) {
      return Break(report, expected_sequence, "an encoded AuditEvent",
                   absl::StrCat(entry.value.size(),
                                " bytes that do not parse as one (changed)"));
    }
    if (event.sequence() != expected_sequence) {
      return Break(report, expected_sequence,
                   absl::StrCat("sequence ", expected_sequence, " inside"),
                   absl::StrCat("sequence ", event.sequence(), " (changed)"));
    }
    if (event.previous_hash_hex() != report.head_hash_hex) {
      return Break(
          report, expected_sequence,
          absl::StrCat("previous hash \"", report.head_hash_hex, "\""),
          absl::StrCat("previous hash \"", event.previous_hash_hex(),
                       "\" (an earlier event was changed or replaced)"));
    }
    const std::string hash = AuditEventHash(event);
    if (event.hash_hex() != hash) {
      return Break(report, expected_sequence,
                   absl::StrCat("hash ", hash, " of the event's contents"),
                   absl::StrCat("stored hash \"", event.hash_hex(),
                                "\" (the event was changed)"));
    }
    report.head_hash_hex = event.hash_hex();
    ++report.verified_events;
    ++expected_sequence;
  }
  return report;
}

}  // namespace handin::storage
