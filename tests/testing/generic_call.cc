#include "tests/testing/generic_call.h"

#include <future>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace handin::testing {

GenericAnswer CallWithEmptyRequest(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& token) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  if (!token.empty()) AttachToken(context, token);
  grpc::Slice empty("");
  const grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(status); });
  GenericAnswer answer{done.get_future().get(), ""};
  std::vector<grpc::Slice> slices;
  if (answer.status.ok() && response.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      answer.response.append(reinterpret_cast<const char*>(slice.begin()),
                             slice.size());
    }
  }
  return answer;
}

}  // namespace handin::testing
