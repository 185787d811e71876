#include "services/storage/access.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace handin::storage {
namespace {

std::string Method(const char* name) {
  return absl::StrCat("/handin.storage.v1.StorageService/", name);
}

MethodAccess Services(std::set<std::string> names) {
  return {.roles = {Role::kService}, .services = std::move(names)};
}

}  // namespace

AccessPolicy StorageAccess() {
  AccessPolicy policy;
  AllowHealthAndReflection(policy);
  policy.Allow(Method("PutSubmission"), Services({"intake"}))
      .Allow(Method("StoreSubmission"), Services({"intake"}))
      .Allow(Method("QueryUpload"), Services({"intake"}))
      .Allow(Method("LookupIdempotencyKey"), Services({"intake"}))
      .Allow(Method("RecordRefusal"), Services({"intake"}))
      .Allow(Method("ListRefusals"), Services({"intake", "grading"}))
      .Allow(Method("GetSubmission"), Services({"intake", "grading"}))
      .Allow(Method("ListSubmissions"),
             Services({"intake", "grading", "deadline"}))
      .Allow(Method("ReadSubmission"), Services({"grading"}))
      .Allow(Method("PutExtension"), Services({"deadline"}))
      .Allow(Method("DeleteExtension"), Services({"deadline"}))
      .Allow(Method("ListExtensions"), Services({"deadline"}))
      .Allow(Method("ListExtensionAudit"), Services({"deadline"}));
  // Grades are written and read through the grading service only.
  for (const char* method :
       {"PutScore", "ListScores", "PutAttendance", "ListAttendance",
        "PutBestGroupVote", "ListBestGroupVotes", "CreateRegrade",
        "ResolveRegrade", "ListRegrades", "ListGradeAudit"}) {
    policy.Allow(Method(method), Services({"grading"}));
  }
  // Backups: the operator's own identity, which may do nothing else.
  policy.Allow(Method("CreateCheckpoint"), Services({"backup"}));
  return policy;
}

}  // namespace handin::storage
