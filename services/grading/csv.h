#ifndef HANDIN_SERVICES_GRADING_CSV_H_
#define HANDIN_SERVICES_GRADING_CSV_H_

// CSV as RFC 4180 writes it, for spreadsheets, and the gradebook in it.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "handin/deadline/v1/policy.pb.h"
#include "handin/grading/v1/grading_service.pb.h"

namespace handin::grading {

// The UTF-8 byte-order mark that starts an exported file: without it,
// common spreadsheets read a CSV file in the machine's legacy code page and
// garble non-ASCII names.
inline constexpr char kUtf8ByteOrderMark[] = "\xEF\xBB\xBF";

// One field: as is, or enclosed in double quotes (inner quotes doubled)
// when it holds a comma, a quote, CR or LF, or starts or ends with a space
// (which some readers trim). Text is passed through as UTF-8.
std::string CsvField(absl::string_view text);

// A text cell a spreadsheet must not evaluate: text starting with '=',
// '+', '-', '@', a tab or CR is prefixed with an apostrophe, which
// spreadsheets read as "this is text" (OWASP's CSV injection advice).
// Numbers are written without it.
std::string SpreadsheetText(absl::string_view text);

// One record: the fields joined by commas, ended by CRLF.
std::string CsvRecord(const std::vector<std::string>& fields);

// The gradebook as a CSV document: the byte-order mark, a header record,
// and one record per row, in order. Columns: student, name, then each
// component's points ("<title> (<weight>%)", empty when nothing of it is
// graded yet), absences, bonus, total, graded weight (%), missing (item
// ids separated by "; "). Numbers have two decimals and a '.' separator.
std::string GradebookCsv(
    const std::vector<handin::deadline::v1::GradingComponent>& components,
    const std::vector<handin::grading::v1::StudentGrades>& rows);

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_CSV_H_
