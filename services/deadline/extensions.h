#ifndef HANDIN_SERVICES_DEADLINE_EXTENSIONS_H_
#define HANDIN_SERVICES_DEADLINE_EXTENSIONS_H_

// Extensions seen by the policy: which one applies to a student, who may
// grant one, and what a valid grant is. Pure like Course: the extensions
// themselves live in the storage service.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/deadline/policy.h"

namespace handin::deadline {

// Returns the ids of the groups (of any kind) `principal` is a member of,
// in policy order; empty for staff, guests and unknown ids.
std::vector<std::string> GroupsOf(const Course& course,
                                  absl::string_view principal);

// Returns the extension of `item_id` that applies to `principal` among
// `extensions` (any mix of items and principals), or null: one granted to
// `principal` itself or to a group `principal` is a member of. When several
// apply (a student's own and their group's, or two groups'), the one with
// the latest due instant wins; on a tie, the student's own, else the first
// in `extensions`. The result points into `extensions`.
const Extension* ChooseExtension(const Course& course,
                                 absl::string_view principal,
                                 absl::string_view item_id,
                                 absl::Span<const Extension> extensions);

// What an acting staff member must be for an action.
enum class StaffRequirement {
  kInstructor,  // grant and revoke extensions
  kAnyStaff,    // read extensions
};

// Returns OK if `acting_user` is staff of `course` meeting `requirement`.
// INVALID_ARGUMENT if `acting_user` is empty; PERMISSION_DENIED otherwise,
// naming the role needed and the user's, e.g. "only an instructor of
// eecs598-w24 may grant extensions; gsi-ann is a grader". `action` is what
// is being done, e.g. "grant extensions".
absl::Status CheckStaff(const Course& course, absl::string_view acting_user,
                        StaffRequirement requirement, absl::string_view action);

// Returns OK if `extension.granted_by` may grant `extension`:
//   - granted_by an instructor (CheckStaff), else PERMISSION_DENIED;
//   - item_id, principal and reason non-empty, else INVALID_ARGUMENT;
//   - the item exists, and principal is a student or a group of the
//     course (a student id is read as the student), else NOT_FOUND;
//   - the principal owes the item (a group: at least one member does),
//     else FAILED_PRECONDITION, as the extension would change nothing;
//   - due_at after the item's own due instant, else INVALID_ARGUMENT: an
//     "extension" that shortens is a mistake.
absl::Status ValidateGrant(const Course& course, const Extension& extension);

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_EXTENSIONS_H_
