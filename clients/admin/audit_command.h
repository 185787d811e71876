#ifndef HANDIN_CLIENTS_ADMIN_AUDIT_COMMAND_H_
#define HANDIN_CLIENTS_ADMIN_AUDIT_COMMAND_H_

#include <ostream>
#include <string>

#include "clients/admin/exit_codes.h"

namespace handin::admin {

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
