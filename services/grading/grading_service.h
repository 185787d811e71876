#ifndef HANDIN_SERVICES_GRADING_GRADING_SERVICE_H_
#define HANDIN_SERVICES_GRADING_GRADING_SERVICE_H_

#include <memory>

#include "common/executor.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"

namespace handin::grading {

// Staff's read access to a course's submissions, served from storage.
//
// Access: meant for graders and instructors. Until signed tokens with roles
// land (issue 5) it is reachable by anyone who can reach its port, which
// scripts/up binds to loopback only.
class GradingServiceImpl final
    : public handin::grading::v1::GradingService::CallbackService {
 public:
  // `storage` is the only way to submissions; `deadline` says which of an
  // item's submissions counts; `executor` runs the blocking calls to both
  // so no gRPC callback thread waits on them, and must outlive the service.
  GradingServiceImpl(
      std::unique_ptr<handin::storage::v1::StorageService::StubInterface>
          storage,
      std::unique_ptr<handin::deadline::v1::DeadlineService::StubInterface>
          deadline,
      Executor& executor);

  grpc::ServerUnaryReactor* ListSubmissions(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::ListSubmissionsRequest* request,
      handin::grading::v1::ListSubmissionsResponse* response) override;

  grpc::ServerWriteReactor<handin::grading::v1::DownloadSubmissionResponse>*
  DownloadSubmission(
      grpc::CallbackServerContext* context,
      const handin::grading::v1::DownloadSubmissionRequest* request) override;

 private:
  // Lists the item's submissions from storage, asks deadline which count,
  // and lists the item's refused attempts. Blocks: runs on the executor.
  grpc::Status List(grpc::CallbackServerContext* context,
                    const handin::grading::v1::ListSubmissionsRequest& request,
                    handin::grading::v1::ListSubmissionsResponse& response);

  std::unique_ptr<handin::storage::v1::StorageService::StubInterface> storage_;
  std::unique_ptr<handin::deadline::v1::DeadlineService::StubInterface>
      deadline_;
  Executor& executor_;
};

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_GRADING_SERVICE_H_
