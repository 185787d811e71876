#ifndef HANDIN_SERVICES_DEADLINE_COURSE_BUILDER_H_
#define HANDIN_SERVICES_DEADLINE_COURSE_BUILDER_H_

// Internal to the deadline service: validates a CoursePolicy and fills in a
// Course. Course::Create is the public entry point; use that.

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/deadline/policy.h"

namespace handin::deadline {

// How load errors describe a valid id.
inline constexpr absl::string_view kIdRule =
    "ids are 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a "
    "letter or digit";

class CourseBuilder {
 public:
  // `course` must hold the policy to build from; `source` may be null.
  CourseBuilder(Course& course, const PolicySourceMap* source)
      : course_(course), policy_(course.policy_), source_(source) {}

  // Validates the policy and fills in the course's items, indexes and
  // warnings. InvalidArgument listing every problem, one per line.
  absl::Status Build();

 private:
  // A session as the builder resolved it.
  struct SessionInfo {
    int index = 0;  // In policy.sessions.
    std::string id;
    absl::CivilDay date;
    absl::Time start;
    absl::Time end;
    std::vector<int> presenter_groups;  // Student groups only.
    int summary_group = -1;             // -1: none.
  };

  // Validation passes (course_builder.cc; IndexSessions in
  // session_builder.cc), in order.
  void CheckCourseFields();
  void IndexRoster();
  void IndexGroups();
  void IndexSessions();
  void CheckGrading();

  // Item passes (item_builder.cc).
  void CheckItems();
  void ExpandItems();
  // Adds the concrete item of `item` (policy.items[item_index]) for
  // `session` (null for a standalone item). Returns false, adding nothing,
  // when a template does not apply to the session.
  bool AddConcreteItem(const v1::Item& item, int item_index,
                       const SessionInfo* session);
  // Opening passes (item_opens.cc): CheckOpens validates the `opens` rule
  // of policy.items[i] (called by CheckItems); SetOpens sets c.opens_at for
  // `session` (null: standalone) and records an error unless it is before
  // c.due_at, which must be set.
  void CheckOpens(const v1::Item& item, int i, absl::string_view label);
  // Rule passes (item_rules.cc): CheckLateDayBudget validates the course's
  // budget (called by CheckItems before the items); CheckLateDaysUse that
  // `late`, the rule policy.items[i] uses, has a budget to spend from;
  // CheckContent the item's ContentRule.
  void CheckLateDayBudget();
  void CheckLateDaysUse(const v1::LateRule& late, int i,
                        absl::string_view label);
  void CheckContent(const v1::Item& item, int i, absl::string_view label);
  void SetOpens(const v1::Item& item, int item_index,
                const SessionInfo* session, ConcreteItem& c);
  // "Mar 19", or "Mar 19 (<id>)" when the session id is not its date.
  std::string SessionName(const SessionInfo& session) const;

  // Records a problem at the field `path`.
  void Error(std::initializer_list<FieldStep> path, absl::string_view what);
  void Warning(std::initializer_list<FieldStep> path, absl::string_view what);
  std::string Where(std::initializer_list<FieldStep> path) const;

  // Looks up a group id; -1 if unknown.
  int GroupIndex(absl::string_view group_id) const;
  // "Luke, Daniel, Oh Jun", or the id when the group has no display name.
  std::string GroupName(int group) const;
  // Members of `group` as roster indexes.
  const std::vector<size_t>& Members(int group) const {
    return group_members_[group];
  }

  Course& course_;
  const v1::CoursePolicy& policy_;
  const PolicySourceMap* source_;
  std::vector<std::string> errors_;
  bool zone_ok_ = false;
  absl::Duration default_start_ = absl::InfiniteDuration();
  absl::Duration default_end_ = absl::InfiniteDuration();
  absl::flat_hash_map<std::string, int> group_index_;
  std::vector<std::vector<size_t>> group_members_;
  std::vector<SessionInfo> sessions_;                    // Sorted by start.
  absl::flat_hash_map<std::string, int> session_index_;  // Into sessions_.
  std::vector<int> project_groups_;  // Indexes into policy.groups.
  // Per policy item: its due instant when absolute (else InfinitePast).
  std::vector<absl::Time> absolute_due_;
  // Per policy item: its opening instant when absolute (else InfinitePast).
  std::vector<absl::Time> absolute_opens_;
};

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_COURSE_BUILDER_H_
