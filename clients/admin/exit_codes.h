#ifndef HANDIN_CLIENTS_ADMIN_EXIT_CODES_H_
#define HANDIN_CLIENTS_ADMIN_EXIT_CODES_H_

namespace handin::admin {

// Exit codes of handin-admin.
inline constexpr int kExitOk = 0;
// The command ran and found a problem (a broken audit chain).
inline constexpr int kExitFound = 1;
// The command could not run: bad usage, no database or key, RocksDB error.
inline constexpr int kExitError = 2;

}  // namespace handin::admin

#endif  // HANDIN_CLIENTS_ADMIN_EXIT_CODES_H_
