#ifndef HANDIN_SERVICES_INTAKE_ACCESS_H_
#define HANDIN_SERVICES_INTAKE_ACCESS_H_

#include "common/access_policy.h"

namespace handin::intake {

// Who may call intake: students, each for their own work only (the
// handlers act for the token's subject and never for a principal a request
// names). Staff read submissions through grading, not here.
AccessPolicy IntakeAccess();

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_ACCESS_H_
