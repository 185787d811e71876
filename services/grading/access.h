#ifndef HANDIN_SERVICES_GRADING_ACCESS_H_
#define HANDIN_SERVICES_GRADING_ACCESS_H_

#include "common/access_policy.h"

namespace handin::grading {

// Who may call the grading service: course staff (graders and
// instructors) read every submission of their course and record and read
// its grades; students read their own grades (GetMyGrades) and ask for
// regrades (RequestRegrade).
AccessPolicy GradingAccess();

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_ACCESS_H_
