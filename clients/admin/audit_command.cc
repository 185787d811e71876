#include "clients/admin/audit_command.h"

#include "absl/status/statusor.h"
#include "services/storage/audit_log.h"

namespace handin::admin {
namespace {

std::string HeadOrNone(const std::string& hash) {
  return hash.empty() ? "(none)" : hash;
}

}  // namespace

int RunAuditVerify(const std::string& data_dir, std::ostream& out,
                   std::ostream& err) {
  if (data_dir.empty()) {
    err << "handin-admin: no --data_dir; pass the storage service's data "
           "directory, e.g. var/storage\n";
    return kExitError;
  }
  absl::StatusOr<storage::AuditChainReport> report =
      storage::VerifyAuditLogInDirectory(data_dir);
  if (!report.ok()) {
    err << "handin-admin: " << report.status().message() << "\n";
    return kExitError;
  }
  if (report->intact) {
    out << "audit chain intact: " << report->verified_events << " events, head "
        << HeadOrNone(report->head_hash_hex) << "\n";
    return kExitOk;
  }
  out << "audit chain broken at event " << report->break_sequence
      << ": expected " << report->expected << ", found " << report->found
      << "\n"
      << report->verified_events
      << " events verified before the break; last good head "
      << HeadOrNone(report->head_hash_hex) << "\n";
  return kExitFound;
}

}  // namespace handin::admin
