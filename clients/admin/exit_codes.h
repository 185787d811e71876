#ifndef HANDIN_CLIENTS_ADMIN_EXIT_CODES_H_
#define HANDIN_CLIENTS_ADMIN_EXIT_CODES_H_

#include <ostream>

#include "absl/strings/string_view.h"

namespace handin::admin {

// Exit codes of handin-admin.
inline constexpr int kExitOk = 0;
// The command ran and found a problem (a broken audit chain).
inline constexpr int kExitFound = 1;
// The command could not run: bad usage, no database or key, RocksDB error.
inline constexpr int kExitError = 2;

// Prints "handin-admin: <message>" as one line on `err` and returns
// kExitError: how a command that cannot run ends.
inline int Fail(std::ostream& err, absl::string_view message) {
  err << "handin-admin: " << message << "\n";
  return kExitError;
}

}  // namespace handin::admin

#endif  // HANDIN_CLIENTS_ADMIN_EXIT_CODES_H_
