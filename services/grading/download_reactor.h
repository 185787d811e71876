#ifndef HANDIN_SERVICES_GRADING_DOWNLOAD_REACTOR_H_
#define HANDIN_SERVICES_GRADING_DOWNLOAD_REACTOR_H_

#include <memory>

#include "absl/status/status.h"
#include "common/executor.h"
#include "handin/grading/v1/grading_service.grpc.pb.h"
#include "handin/storage/v1/storage_service.grpc.pb.h"

namespace handin::grading {

// Streams one submission to a grader: the record, then its bytes as storage
// reads (and verifies) them. One storage chunk is in memory at a time: the
// next is read only after the previous one was written to the grader.
// Deletes itself when the call is done. A call whose caller check failed
// (`admitted` not OK: the token's course is not the request's) finishes at
// once with that status.
class DownloadReactor final
    : public grpc::ServerWriteReactor<
          handin::grading::v1::DownloadSubmissionResponse> {
 public:
  DownloadReactor(grpc::CallbackServerContext* context,
                  handin::storage::v1::StorageService::StubInterface& storage,
                  Executor& executor,
                  handin::grading::v1::DownloadSubmissionRequest request,
                  absl::Status admitted);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Runs on the executor: fetches the record and opens the byte stream.
  void Open();
  // Runs on the executor: reads the next chunk from storage and writes it,
  // or finishes with storage's final status.
  void ReadNext();

  grpc::CallbackServerContext* const context_;
  handin::storage::v1::StorageService::StubInterface& storage_;
  Executor& executor_;
  const handin::grading::v1::DownloadSubmissionRequest request_;
  grpc::ClientContext storage_context_;
  std::unique_ptr<grpc::ClientReaderInterface<handin::common::v1::Chunk>>
      reader_;
  handin::grading::v1::DownloadSubmissionResponse outgoing_;
};

}  // namespace handin::grading

#endif  // HANDIN_SERVICES_GRADING_DOWNLOAD_REACTOR_H_
