#ifndef HANDIN_CLIENTS_HANDIN_TABLE_H_
#define HANDIN_CLIENTS_HANDIN_TABLE_H_

#include <set>
#include <string>
#include <vector>

namespace handin::client {

// One row of a table: its cells, left to right.
using TableRow = std::vector<std::string>;

// Returns `rows` as text, one line each ending in a newline, cells separated
// by two spaces and padded to the widest cell of their column (by bytes, so
// cells other than the last should be ASCII). Cells of the columns in
// `right_aligned` are right-aligned; the last column is not padded, so lines
// carry no trailing blanks. Rows shorter than the first are padded with
// empty cells.
std::string AlignColumns(const std::vector<TableRow>& rows,
                         const std::set<size_t>& right_aligned = {});

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_TABLE_H_
