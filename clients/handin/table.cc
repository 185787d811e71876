#include "clients/handin/table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace handin::client {

std::string AlignColumns(const std::vector<TableRow>& rows,
                         const std::set<size_t>& right_aligned) {
  if (rows.empty()) return "";
  const size_t columns = rows.front().size();
  std::vector<size_t> widths(columns, 0);
  for (const TableRow& row : rows) {
    for (size_t c = 0; c < columns && c < row.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  std::string out;
  for (const TableRow& row : rows) {
    for (size_t c = 0; c < columns; ++c) {
      const std::string& cell = c < row.size() ? row[c] : std::string();
      const std::string padding(widths[c] - cell.size(), ' ');
      if (right_aligned.count(c) > 0) {
        absl::StrAppend(&out, padding, cell);
      } else if (c + 1 == columns) {
        absl::StrAppend(&out, cell);
      } else {
        absl::StrAppend(&out, cell, padding);
      }
      if (c + 1 != columns) absl::StrAppend(&out, "  ");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace handin::client
