#ifndef HANDIN_SERVICES_STORAGE_ACCESS_H_
#define HANDIN_SERVICES_STORAGE_ACCESS_H_

#include "common/access_policy.h"

namespace handin::storage {

// Who may call storage: only other handin services, each for what its
// part of the design needs. Only intake commits submissions and records
// refusals; only grading reads submissions' bytes; only the deadline
// service writes extensions; only the operator's `backup` service identity
// makes checkpoints, and it may call nothing else. No person calls storage
// directly.
AccessPolicy StorageAccess();

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_ACCESS_H_
