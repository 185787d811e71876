#ifndef HANDIN_TESTS_TESTING_FAKE_DEADLINE_SERVICE_H_
#define HANDIN_TESTS_TESTING_FAKE_DEADLINE_SERVICE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "handin/deadline/v1/deadline_service.grpc.pb.h"

namespace handin::testing {

// An in-process DeadlineService whose answers a test scripts. Serve it with
// handin::StartServer and point the code under test at it. Evaluate answers
// an ON_TIME verdict until told otherwise, with no content rule and no
// completion window unless set, and records every request.
// WhatIf (ON_TIME by default), ListDeadlines and ExportCalendar (empty
// responses by default) answer what a test scripts and record every
// request too. GetCoursePolicy is not implemented (UNIMPLEMENTED).
// Thread-safe.
class FakeDeadlineService final
    : public deadline::v1::DeadlineService::CallbackService {
 public:
  // Computes the answer to one Evaluate: fills `response` or returns an
  // error status.
  using Handler = std::function<grpc::Status(
      const deadline::v1::EvaluateRequest&, deadline::v1::EvaluateResponse*)>;

  FakeDeadlineService();

  // Every later Evaluate returns a verdict of `kind` with `reason`.
  void SetVerdict(common::v1::VerdictKind kind, const std::string& reason);
  // Every later Evaluate fails with `status`.
  void SetError(grpc::Status status);
  // Every later Evaluate is answered by `handler`.
  void SetHandler(Handler handler);
  // Every later successful Evaluate also carries `content` as the item's
  // content rule (none when nullopt) and `completion_window` (none when
  // nullopt), whatever the handler answered.
  void SetContentRule(std::optional<deadline::v1::ContentRule> content);
  void SetCompletionWindow(std::optional<absl::Duration> completion_window);
  // ListItems returns `response` (whatever the request).
  void SetItems(deadline::v1::ListItemsResponse response);

  // Every later WhatIf, ListDeadlines or ExportCalendar answers `response`,
  // or fails with `status` when it is not OK.
  void SetWhatIf(deadline::v1::WhatIfResponse response,
                 grpc::Status status = grpc::Status::OK);
  void SetDeadlines(deadline::v1::ListDeadlinesResponse response,
                    grpc::Status status = grpc::Status::OK);
  void SetCalendar(deadline::v1::ExportCalendarResponse response,
                   grpc::Status status = grpc::Status::OK);

  // Every WhatIf, ListDeadlines or ExportCalendar request received so far,
  // in order.
  std::vector<deadline::v1::WhatIfRequest> what_ifs() const;
  std::vector<deadline::v1::ListDeadlinesRequest> deadline_lists() const;
  std::vector<deadline::v1::ExportCalendarRequest> calendar_exports() const;

  // Every Evaluate request received so far, in order.
  std::vector<deadline::v1::EvaluateRequest> evaluations() const;
  // Waits until at least `count` Evaluate requests have arrived. Returns
  // false if `timeout` passed first.
  bool WaitForEvaluations(size_t count, absl::Duration timeout) const;

  grpc::ServerUnaryReactor* Evaluate(
      grpc::CallbackServerContext* context,
      const deadline::v1::EvaluateRequest* request,
      deadline::v1::EvaluateResponse* response) override;
  grpc::ServerUnaryReactor* ListItems(
      grpc::CallbackServerContext* context,
      const deadline::v1::ListItemsRequest* request,
      deadline::v1::ListItemsResponse* response) override;

  grpc::ServerUnaryReactor* WhatIf(
      grpc::CallbackServerContext* context,
      const deadline::v1::WhatIfRequest* request,
      deadline::v1::WhatIfResponse* response) override;
  grpc::ServerUnaryReactor* ListDeadlines(
      grpc::CallbackServerContext* context,
      const deadline::v1::ListDeadlinesRequest* request,
      deadline::v1::ListDeadlinesResponse* response) override;
  grpc::ServerUnaryReactor* ExportCalendar(
      grpc::CallbackServerContext* context,
      const deadline::v1::ExportCalendarRequest* request,
      deadline::v1::ExportCalendarResponse* response) override;

 private:
  // The scripted answer of one unary RPC and the requests it received.
  template <typename Request, typename Response>
  struct Scripted {
    Response response;
    grpc::Status status;
    std::vector<Request> requests;
  };

  // Records `request` in `script` and finishes with its scripted answer.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                   Scripted<Request, Response>& script,
                                   const Request& request, Response* response);

  mutable absl::Mutex mu_;
  Scripted<deadline::v1::WhatIfRequest, deadline::v1::WhatIfResponse> what_if_
      ABSL_GUARDED_BY(mu_);
  Scripted<deadline::v1::ListDeadlinesRequest,
           deadline::v1::ListDeadlinesResponse>
      deadlines_ ABSL_GUARDED_BY(mu_);
  Scripted<deadline::v1::ExportCalendarRequest,
           deadline::v1::ExportCalendarResponse>
      calendar_ ABSL_GUARDED_BY(mu_);
  Handler handler_ ABSL_GUARDED_BY(mu_);
  std::optional<deadline::v1::ContentRule> content_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Duration> completion_window_ ABSL_GUARDED_BY(mu_);
  deadline::v1::ListItemsResponse items_ ABSL_GUARDED_BY(mu_);
  std::vector<deadline::v1::EvaluateRequest> evaluations_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_FAKE_DEADLINE_SERVICE_H_
