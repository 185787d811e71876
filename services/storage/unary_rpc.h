#ifndef HANDIN_SERVICES_STORAGE_UNARY_RPC_H_
#define HANDIN_SERVICES_STORAGE_UNARY_RPC_H_

#include <utility>

#include "absl/status/status.h"
#include "common/executor.h"
#include "common/grpc_status.h"
#include "grpcpp/support/server_callback.h"

namespace handin::storage {

// Answers a unary call: runs `work` (returning absl::Status, filling the
// response itself) on `executor`, never on a gRPC callback thread, and
// finishes the call with its status.
template <typename Work>
grpc::ServerUnaryReactor* FinishOnExecutor(grpc::CallbackServerContext* context,
                                           Executor& executor, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  executor.Schedule([reactor, work = std::move(work)]() mutable {
    reactor->Finish(ToGrpcStatus(work()));
  });
  return reactor;
}

// Answers a unary call by running `work` on the gRPC callback thread that
// received it. Only for a bounded read of a few keys (an idempotency entry,
// one principal's extensions), which RocksDB serves from its memtables, its
// block cache or one page-cache read: handing such a read to the executor
// costs two thread switches, more than the read. Never for a write, a scan
// whose length a caller controls, or anything that may wait on an fsync.
template <typename Work>
grpc::ServerUnaryReactor* FinishInline(grpc::CallbackServerContext* context,
                                       Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(work()));
  return reactor;
}

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_UNARY_RPC_H_
