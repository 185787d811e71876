#ifndef HANDIN_TESTS_TESTING_GENERIC_CALL_H_
#define HANDIN_TESTS_TESTING_GENERIC_CALL_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace handin::testing {

// What a unary call answered: its status, and the serialized response
// (empty unless the status is OK).
struct GenericAnswer {
  grpc::Status status;
  std::string response;
};

// Calls unary `method` ("/pkg.Service/Method") over `channel` with one
// empty request message, bearing `token` when it is not empty, and waits
// up to 10 s for the answer. An empty message is a valid request of every
// handin method, so the status shows whether the server let the call in.
GenericAnswer CallWithEmptyRequest(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& token = "");

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_GENERIC_CALL_H_
