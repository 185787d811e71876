#include "services/grading/access.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace handin::grading {
namespace {

std::string Method(const char* name) {
  return absl::StrCat("/handin.grading.v1.GradingService/", name);
}

}  // namespace

AccessPolicy GradingAccess() {
  const MethodAccess staff{.roles = {Role::kGrader, Role::kInstructor}};
  AccessPolicy policy;
  AllowHealthAndReflection(policy);
  policy.Allow(Method("ListSubmissions"), staff)
      .Allow(Method("DownloadSubmission"), staff);
  // Grades: staff record and read everything of their course; a student
  // reads only their own grades and asks for a regrade of their own score
  // (the handlers check ownership from the verified caller).
  for (const char* method :
       {"ListItems", "ListComponents", "RecordScore", "ListScores",
        "RecordAttendance", "ListAttendance", "RecordBestGroupVote",
        "ListBestGroupVotes", "GetGradebook", "ExportGradebookCsv",
        "ResolveRegrade", "ListRegrades", "ListGradeHistory"}) {
    policy.Allow(Method(method), staff);
  }
  const MethodAccess student{.roles = {Role::kStudent}};
  policy.Allow(Method("GetMyGrades"), student)
      .Allow(Method("RequestRegrade"), student);
  return policy;
}

}  // namespace handin::grading
