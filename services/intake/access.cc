#include "services/intake/access.h"

#include "absl/strings/str_cat.h"

namespace handin::intake {

AccessPolicy IntakeAccess() {
  AccessPolicy policy;
  AllowHealthAndReflection(policy);
  for (const char* method :
       {"Upload", "QueryWriteStatus", "ListMySubmissions", "ListMyDeadlines",
        "CheckSubmission", "ExportMyCalendar"}) {
    policy.Allow(absl::StrCat("/handin.intake.v1.IntakeService/", method),
                 {.roles = {Role::kStudent}});
  }
  return policy;
}

}  // namespace handin::intake
