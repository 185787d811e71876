#ifndef HANDIN_SERVICES_GRADING_UPSTREAM_H_
#define HANDIN_SERVICES_GRADING_UPSTREAM_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/grpc_status.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/grading/gradebook.h"

namespace handin::grading {

// The grading service's blocking calls to storage and the deadline
// service on behalf of one incoming call: each carries the incoming call's
// deadline, and a failure comes back as the peer's status code with a
// message saying what was being done ("listing the scores of eecs598-w24
// from storage: ..."). Runs on an executor thread, never on a gRPC
// callback thread. Not thread-safe; one per incoming call.
class Upstream {
 public:
  Upstream(handin::storage::v1::StorageService::StubInterface& storage,
           handin::deadline::v1::DeadlineService::StubInterface& deadline,
           std::chrono::system_clock::time_point call_deadline)
      : storage_(storage), deadline_(deadline), call_deadline_(call_deadline) {}

  // Calls `method` of `stub` with `request`; `what` names the action for
  // an error message.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      Stub& stub,
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, absl::string_view what) {
    grpc::ClientContext context;
    context.set_deadline(call_deadline_);
    Response response;
    const grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(FromGrpcStatus(status).code(),
                          absl::StrCat(what, ": ", status.error_message()));
    }
    return response;
  }
  handin::storage::v1::StorageService::StubInterface& storage() {
    return storage_;
  }
  handin::deadline::v1::DeadlineService::StubInterface& deadline() {
    return deadline_;
  }

  // The course policy (deadline's GetCoursePolicy). NOT_FOUND for an
  // unknown course.
  absl::StatusOr<handin::deadline::v1::CoursePolicy> Policy(
      const std::string& course_id);

  // The items of the course, or only those `principal` owes (with their
  // due instants) when it is set.
  absl::StatusOr<handin::deadline::v1::ListItemsResponse> Items(
      const std::string& course_id, const std::string& principal);

  // Everything GradeStudent needs for `student`, or ComputeGradebook for
  // every student of the roster when `student` is nullopt, as of `now`.
  absl::StatusOr<GradebookInput> GatherGradebook(
      const std::string& course_id, const std::optional<std::string>& student,
      absl::Time now);

 private:
  handin::storage::v1::StorageService::StubInterface& storage_;
  handin::deadline::v1::DeadlineService::StubInterface& deadline_;
  const std::chrono::system_clock::time_point call_deadline_;
};

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_UPSTREAM_H_
