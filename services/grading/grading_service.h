#ifndef HANDIN_SERVICES_GRADING_GRADING_SERVICE_H_
#define HANDIN_SERVICES_GRADING_GRADING_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/call_authenticator.h"
#include "common/clock.h"
#include "common/executor.h"
#include "common/grpc_status.h"
#include "common/storage_shards.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"
#include "services/grading/upstream.h"

namespace handin::grading {

// Staff's access to a course's submissions and grades, and each student's
// view of their own, served from storage and the deadline service.
//
// Access: the server's access table (access.h) admits graders and
// instructors to the staff RPCs and students to RequestRegrade and
// GetMyGrades; each handler then checks that the verified caller's token is
// for the request's course (PERMISSION_DENIED otherwise) and acts as that
// caller: the grader of a score, the student of a regrade, never a request
// field. Errors of each RPC are documented in grading_service.proto.
class GradingServiceImpl final
    : public handin::grading::v1::GradingService::CallbackService {
 public:
  // `storage` is the only way to submissions and grades, each course's on
  // the shard that keeps it; `deadline` owns
  // the policy and says which of an item's submissions counts; `executor`
  // runs the blocking calls to both so no gRPC callback thread waits on
  // them; `authenticator` tells who a call is; `clock` says when "now" is
  // for the gradebook. The references must outlive the service.
  GradingServiceImpl(
      StorageShards storage,
      std::unique_ptr<handin::deadline::v1::DeadlineService::StubInterface>
          deadline,
      Executor& executor, const CallAuthenticator& authenticator,
      const Clock& clock);

  grpc::ServerUnaryReactor* ListSubmissions(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListSubmissionsRequest* request,
      handin::grading::v1::ListSubmissionsResponse* response) override;

  grpc::ServerWriteReactor<handin::grading::v1::DownloadSubmissionResponse>*
  DownloadSubmission(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::DownloadSubmissionRequest* request) override;

  // Items and rubric (gradebook_rpcs.cc).
  grpc::ServerUnaryReactor* ListItems(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListItemsRequest* request,
      handin::grading::v1::ListItemsResponse* response) override;
  grpc::ServerUnaryReactor* ListComponents(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListComponentsRequest* request,
      handin::grading::v1::ListComponentsResponse* response) override;
  // The gradebook (gradebook_rpcs.cc).
  grpc::ServerUnaryReactor* GetGradebook(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::GetGradebookRequest* request,
      handin::grading::v1::GetGradebookResponse* response) override;
  grpc::ServerUnaryReactor* ExportGradebookCsv(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ExportGradebookCsvRequest* request,
      handin::grading::v1::ExportGradebookCsvResponse* response) override;
  grpc::ServerUnaryReactor* GetMyGrades(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::GetMyGradesRequest* request,
      handin::grading::v1::GetMyGradesResponse* response) override;
  grpc::ServerUnaryReactor* ListGradeHistory(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListGradeHistoryRequest* request,
      handin::grading::v1::ListGradeHistoryResponse* response) override;
  // Recording grades (grade_rpcs.cc).
  grpc::ServerUnaryReactor* RecordScore(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::RecordScoreRequest* request,
      handin::grading::v1::RecordScoreResponse* response) override;
  grpc::ServerUnaryReactor* ListScores(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListScoresRequest* request,
      handin::grading::v1::ListScoresResponse* response) override;
  grpc::ServerUnaryReactor* RecordAttendance(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::RecordAttendanceRequest* request,
      handin::grading::v1::RecordAttendanceResponse* response) override;
  grpc::ServerUnaryReactor* ListAttendance(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListAttendanceRequest* request,
      handin::grading::v1::ListAttendanceResponse* response) override;
  grpc::ServerUnaryReactor* RecordBestGroupVote(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::RecordBestGroupVoteRequest* request,
      handin::grading::v1::RecordBestGroupVoteResponse* response) override;
  grpc::ServerUnaryReactor* ListBestGroupVotes(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListBestGroupVotesRequest* request,
      handin::grading::v1::ListBestGroupVotesResponse* response) override;
  // Regrades (regrade_rpcs.cc).
  grpc::ServerUnaryReactor* RequestRegrade(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::RequestRegradeRequest* request,
      handin::grading::v1::RequestRegradeResponse* response) override;
  grpc::ServerUnaryReactor* ResolveRegrade(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ResolveRegradeRequest* request,
      handin::grading::v1::ResolveRegradeResponse* response) override;
  grpc::ServerUnaryReactor* ListRegrades(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListRegradesRequest* request,
      handin::grading::v1::ListRegradesResponse* response) override;

 private:
  // Answers a unary call: checks that `course_id` is given and that the
  // caller's token is for it, then runs `work(caller, upstream)` (returning
  // absl::Status and filling the response itself) on the executor and
  // finishes the call with its status.
  template <typename Work>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                const std::string& course_id, Work work);

  // Records a score by `grader` after checking it against the policy
  // (RecordScore and ResolveRegrade's rescore).
  absl::StatusOr<handin::storage::v1::PutScoreResponse> PutScore(
      Upstream& upstream, const std::string& course_id,
      const std::string& item_id, const std::string& principal, double points,
      double max_points, const std::string& comment, const std::string& grader);

  // Lists the item's submissions from storage, asks deadline which count,
  // and lists the item's refused attempts. Blocks: runs on the executor.
  grpc::Status List(grpc::CallbackServerContext* context,
                    const handin::grading::v1::ListSubmissionsRequest& request,
                    handin::grading::v1::ListSubmissionsResponse& response);

  const StorageShards storage_;
  std::unique_ptr<handin::deadline::v1::DeadlineService::StubInterface>
      deadline_;
  Executor& executor_;
  const CallAuthenticator& authenticator_;
  const Clock& clock_;
};

template <typename Work>
grpc::ServerUnaryReactor* GradingServiceImpl::Run(
    grpc::CallbackServerContext* context, const std::string& course_id,
    Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> caller = course_id.empty()
                                         ? absl::InvalidArgumentError(
                                               "course_id is required, e.g. "
                                               "\"eecs598-w24\"")
                                         : authenticator_.CallerOf(*context);
  if (caller.ok()) {
    if (absl::Status s = CheckCallerCourse(*caller, course_id); !s.ok()) {
      caller = s;
    }
  }
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  StorageShards::Stub& storage = storage_.ForCourse(course_id);
  executor_.Schedule([this, context, reactor, &storage,
                      caller = *std::move(caller),
                      work = std::move(work)]() mutable {
    Upstream upstream(storage, *deadline_, context->deadline());
    reactor->Finish(ToGrpcStatus(work(caller, upstream)));
  });
  return reactor;
}

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_GRADING_SERVICE_H_
