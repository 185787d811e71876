#include "services/grading/csv.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace handin::grading {
namespace {

std::string Number(double value) { return absl::StrFormat("%.2f", value); }

}  // namespace

std::string CsvField(absl::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != absl::string_view::npos ||
                     absl::StartsWith(text, " ") || absl::EndsWith(text, " ");
  if (!quote) return std::string(text);
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

std::string SpreadsheetText(absl::string_view text) {
  if (!text.empty() && absl::string_view("=+-@\t\r").find(text.front()) !=
                           absl::string_view::npos) {
    return absl::StrCat("'", text);
  }
  return std::string(text);
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += CsvField(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string GradebookCsv(
    const std::vector<handin::deadline::v1::GradingComponent>& components,
    const std::vector<handin::grading::v1::StudentGrades>& rows) {
  std::vector<std::string> header = {"student", "name"};
  for (const auto& component : components) {
    header.push_back(SpreadsheetText(absl::StrFormat(
        "%s (%g%%)", component.title(), component.weight_percent())));
  }
  for (const char* column :
       {"absences", "bonus", "total", "graded weight (%)", "missing"}) {
    header.push_back(column);
  }
  std::string out = kUtf8ByteOrderMark;
  out += CsvRecord(header);
  for (const auto& row : rows) {
    std::vector<std::string> fields = {SpreadsheetText(row.student()),
                                       SpreadsheetText(row.display_name())};
    int absences = 0;
    for (const auto& component : row.components()) {
      fields.push_back(component.graded() ? Number(component.points()) : "");
      absences += component.attendance().absences();
    }
    fields.push_back(absl::StrCat(absences));
    fields.push_back(Number(row.bonus_points()));
    fields.push_back(Number(row.total_points()));
    fields.push_back(Number(row.graded_weight_percent()));
    fields.push_back(
        SpreadsheetText(absl::StrJoin(row.missing_item_ids(), "; ")));
    out += CsvRecord(fields);
  }
  return out;
}

}  // namespace handin::grading
