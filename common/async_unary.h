#ifndef HANDIN_COMMON_ASYNC_UNARY_H_
#define HANDIN_COMMON_ASYNC_UNARY_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "common/call_deadline.h"
#include "common/request_id.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace handin {

// The outcome of a unary call made with CallUnaryAsync: gRPC's status and,
// when it is OK, the response.
template <typename Response>
using UnaryDone = absl::AnyInvocable<void(grpc::Status, Response) &&>;

// Makes one unary call with gRPC's callback API, bounded by `timeout`, so
// that no thread waits for its answer. `start` begins the call on the
// stub's async() interface, e.g.
//
//   CallUnaryAsync<EvaluateResponse>(
//       std::move(request), timeout,
//       [&stub](auto... call) { stub.async()->Evaluate(call...); }, done);
//
// The context, request and response live until the call ends; `done` then
// runs once on a gRPC callback thread (or inline, if gRPC ends the call at
// once), where it must not block, with the caller's request id current
// again. The stub must outlive the call.
template <typename Response, typename Request, typename Start>
void CallUnaryAsync(Request request, absl::Duration timeout, Start&& start,
                    UnaryDone<Response> done) {
  struct Call {
    grpc::ClientContext context;
    Request request;
    Response response;
    UnaryDone<Response> done;
    std::string request_id;
  };
  auto* call = new Call;
  call->request = std::move(request);
  call->done = std::move(done);
  call->request_id = CurrentRequestId();
  SetDeadlineAfter(call->context, timeout);
  std::function<void(grpc::Status)> ended = [call](grpc::Status status) {
    // The call's context is released before `done` runs.
    UnaryDone<Response> done = std::move(call->done);
    Response response = std::move(call->response);
    RequestIdScope scope(std::move(call->request_id));
    delete call;
    std::move(done)(std::move(status), std::move(response));
  };
  std::forward<Start>(start)(&call->context, &call->request, &call->response,
                             std::move(ended));
}

}  // namespace handin

#endif  // HANDIN_COMMON_ASYNC_UNARY_H_
