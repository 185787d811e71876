#include "clients/handin/receipt.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/handin/table.h"
#include "common/proto_time.h"

namespace handin::client {
namespace {

constexpr size_t kShortShaDigits = 12;

std::string FormatInstant(bool present, const google::protobuf::Timestamp& t) {
  return present ? FormatUtc(FromProtoTimestamp(t)) : "-";
}

std::string FormatInstant(const common::v1::SubmissionRecord& record,
                          bool started) {
  return started
             ? FormatInstant(record.has_started_at(), record.started_at())
             : FormatInstant(record.has_completed_at(), record.completed_at());
}

}  // namespace

std::string VerdictLabel(const common::v1::Verdict& verdict) {
  switch (verdict.kind()) {
    case common::v1::VERDICT_KIND_ON_TIME:
      return "on time";
    case common::v1::VERDICT_KIND_LATE_COUNTED:
      if (verdict.penalty_percent() <= 0) return "late, counted";
      return absl::StrFormat("late, counted (-%g%%)",
                             verdict.penalty_percent());
    case common::v1::VERDICT_KIND_LATE_NOT_COUNTED:
      return "late, not counted";
    case common::v1::VERDICT_KIND_REFUSED:
      return "refused";
    default:
      return "unknown";
  }
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

std::string FormatReceipt(const common::v1::SubmissionRecord& record) {
  std::string out = "Submitted. Keep this receipt:\n";
  const auto line = [&out](absl::string_view label, absl::string_view value) {
    absl::StrAppend(&out, "  ", absl::StrFormat("%-11s", label), value, "\n");
  };
  line("submission", record.submission_id());
  line("course", record.course_id());
  line("item", record.item_id());
  line("file", record.file_name());
  line("size", absl::StrCat(record.size_bytes(), " bytes (",
                            FormatBytes(record.size_bytes()), ")"));
  line("sha256", record.sha256_hex());
  line("started", absl::StrCat(FormatInstant(record, /*started=*/true),
                               "  (the instant that counts)"));
  line("completed", FormatInstant(record, /*started=*/false));
  line("verdict", VerdictLabel(record.verdict()));
  if (!record.verdict().reason().empty()) {
    line("reason", record.verdict().reason());
  }
  if (!record.media_type().empty()) line("content", record.media_type());
  for (const std::string& warning : record.content_warnings()) {
    line("warning", warning);
  }
  return out;
}

std::string FormatStatusTable(
    const google::protobuf::RepeatedPtrField<common::v1::SubmissionRecord>&
        records) {
  if (records.empty()) return "no submissions yet\n";
  std::vector<TableRow> rows;
  rows.push_back({"ID", "ITEM", "VERDICT", "STARTED (UTC)", "SIZE", "SHA256"});
  for (const common::v1::SubmissionRecord& record : records) {
    rows.push_back({record.submission_id(), record.item_id(),
                    VerdictLabel(record.verdict()),
                    FormatInstant(record, /*started=*/true),
                    FormatBytes(record.size_bytes()),
                    record.sha256_hex().substr(0, kShortShaDigits)});
  }
  // Sizes are right-aligned so their units line up.
  std::string out = AlignColumns(rows, /*right_aligned=*/{4});
  for (const common::v1::SubmissionRecord& record : records) {
    for (const std::string& warning : record.content_warnings()) {
      absl::StrAppend(&out, "warning: ", record.submission_id(), " ",
                      record.item_id(), ": ", warning, "\n");
    }
  }
  return out;
}

std::string FormatRefusedTable(
    const google::protobuf::RepeatedPtrField<common::v1::RefusedAttempt>&
        attempts) {
  if (attempts.empty()) return "";
  std::vector<TableRow> rows;
  rows.push_back(
      {"ATTEMPT", "ITEM", "STARTED (UTC)", "RECEIVED", "CODE", "REASON"});
  for (const common::v1::RefusedAttempt& attempt : attempts) {
    rows.push_back(
        {attempt.attempt_id(), attempt.item_id(),
         FormatInstant(attempt.has_started_at(), attempt.started_at()),
         absl::StrCat(FormatBytes(attempt.bytes_received()), " of ",
                      FormatBytes(attempt.declared_size_bytes())),
         attempt.code(), attempt.reason()});
  }
  return absl::StrCat(
      "Refused attempts (nothing of them was stored; kept as a record that "
      "you tried):\n",
      AlignColumns(rows));
}

}  // namespace handin::client
