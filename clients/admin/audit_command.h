#ifndef HANDIN_CLIENTS_ADMIN_AUDIT_COMMAND_H_
#define HANDIN_CLIENTS_ADMIN_AUDIT_COMMAND_H_

#include <ostream>
#include <string>

namespace handin::admin {

// Exit codes of handin-admin.
inline constexpr int kExitOk = 0;
// The command ran and found a problem (a broken audit chain).
inline constexpr int kExitFound = 1;
// The command could not run: bad usage, no database, RocksDB error.
inline constexpr int kExitError = 2;

// `handin-admin audit verify --data_dir DIR`: opens the storage database in
// DIR read-only (works while handin-storage runs), walks the audit chain
// (handin::storage::VerifyAuditLogInDirectory) and prints on `out` either
//   audit chain intact: N events, head <hash>
// and returns kExitOk, or
//   audit chain broken at event S: expected <what>, found <what>
//   N events verified before the break; last good head <hash>
// and returns kExitFound. When the database cannot be read, prints one
// "handin-admin: ..." line on `err` and returns kExitError.
int RunAuditVerify(const std::string& data_dir, std::ostream& out,
                   std::ostream& err);

}  // namespace handin::admin

#endif  // HANDIN_CLIENTS_ADMIN_AUDIT_COMMAND_H_
