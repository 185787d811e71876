#ifndef HANDIN_SERVICES_DEADLINE_ACCESS_H_
#define HANDIN_SERVICES_DEADLINE_ACCESS_H_

#include "common/access_policy.h"

namespace handin::deadline {

// Who may call the deadline service: intake for verdicts and a student's
// deadlines (on the student's behalf), grading for which submission
// counts, staff to read the policy and extensions, and instructors alone
// to grant or revoke extensions.
AccessPolicy DeadlineAccess();

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_ACCESS_H_
