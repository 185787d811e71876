#ifndef HANDIN_COMMON_RPC_TELEMETRY_H_
#define HANDIN_COMMON_RPC_TELEMETRY_H_

// What every handin server and its calls to peers get without their
// handlers doing anything: request ids carried across services, one log
// line per call, and gRPC call metrics.

#include <cstdint>
#include <memory>
#include <string>

#include "common/metrics.h"
#include "grpcpp/support/client_interceptor.h"
#include "grpcpp/support/server_interceptor.h"

namespace handin {

// A server interceptor factory (StartServer installs it) that, for every
// call:
//  - takes its request id from `x-request-id`, or makes one when it has
//    none or a malformed one (the call's metadata then carries the new one,
//    so RequestIdOf sees it), and sends it back in the initial metadata;
//  - runs the handler with that id as the thread's current request id;
//  - counts the call in `registry`:
//      handin_grpc_server_calls_in_flight{method}          gauge
//      handin_grpc_server_handled_total{method,code}       counter
//      handin_grpc_server_handling_seconds{method}         histogram
//    (method is the full gRPC path, e.g.
//    "/handin.intake.v1.IntakeService/Upload"; code e.g. "OK");
//  - logs one line when it is answered:
//      event=rpc_finished method=... code=... ms=... request_id=...
//    except for grpc.* services (health checks, reflection), which are
//    counted only.
// `registry` is not owned and must outlive every server using the factory.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerTelemetry(metrics::Registry& registry);

// Calls the servers of this process with MakeServerTelemetry have received
// and not yet answered, every method together.
int64_t ServerCallsInFlight();

// A client interceptor factory for channels to handin peers (CreateTokenChannel
// in common/caller.h installs it): every call carries the current request id
// of the thread that creates it, when it has one and the call sets none.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeRequestIdPropagator();

}  // namespace handin

#endif  // HANDIN_COMMON_RPC_TELEMETRY_H_
