#include "services/gateway/access.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace handin::gateway {
namespace {

std::string Grading(const char* name) {
  return absl::StrCat("/handin.grading.v1.GradingService/", name);
}

std::string Deadline(const char* name) {
  return absl::StrCat("/handin.deadline.v1.DeadlineService/", name);
}

}  // namespace

AccessPolicy GatewayAccess() {
  const MethodAccess staff{.roles = {Role::kGrader, Role::kInstructor}};
  const MethodAccess instructor{.roles = {Role::kInstructor}};
  AccessPolicy policy;
  // Reads: the policy (sessions, groups, roster), what is owed, what
  // arrived and what was refused, the grades and their history.
  policy.Allow(Deadline("ListItems"), staff)
      .Allow(Deadline("GetCoursePolicy"), staff)
      .Allow(Deadline("ListExtensions"), staff);
  for (const char* read :
       {"ListItems", "ListComponents", "ListSubmissions", "DownloadSubmission",
        "ListScores", "ListAttendance", "ListBestGroupVotes", "GetGradebook",
        "ExportGradebookCsv", "ListRegrades", "ListGradeHistory"}) {
    policy.Allow(Grading(read), staff);
  }
  // Writes: grading is staff's; extensions are the instructor's. A
  // student's own RPCs (RequestRegrade, GetMyGrades) are not exposed: the
  // dashboard is for staff.
  for (const char* write : {"RecordScore", "RecordAttendance",
                            "RecordBestGroupVote", "ResolveRegrade"}) {
    policy.Allow(Grading(write), staff);
  }
  policy.Allow(Deadline("GrantExtension"), instructor);
  return policy;
}

}  // namespace handin::gateway
