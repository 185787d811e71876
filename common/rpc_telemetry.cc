#include "common/rpc_telemetry.h"

#include <atomic>
#include <chrono>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "common/request_id.h"
#include "spdlog/spdlog.h"

namespace handin {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;

// The code label: gRPC's status codes are absl's, by number and name.
std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::atomic<int64_t> calls_in_flight{0};

// The families every server's calls are counted in.
struct ServerMetrics {
  explicit ServerMetrics(metrics::Registry& registry)
      : in_flight(registry.Gauges("handin_grpc_server_calls_in_flight",
                                  "gRPC calls received and not yet done.",
                                  {"method"})),
        handled(
            registry.Counters("handin_grpc_server_handled_total",
                              "gRPC calls answered, by method and status code.",
                              {"method", "code"})),
        seconds(registry.Histograms(
            "handin_grpc_server_handling_seconds",
            "Time from a gRPC call's arrival to its status, in seconds.",
            {"method"}, metrics::LatencyBucketsSeconds())) {}

  metrics::Family<metrics::Gauge>& in_flight;
  metrics::Family<metrics::Counter>& handled;
  metrics::Family<metrics::Histogram>& seconds;
};

class ServerTelemetry final : public grpc::experimental::Interceptor {
 public:
  ServerTelemetry(const ServerMetrics& metrics, std::string method)
      : metrics_(metrics),
        method_(std::move(method)),
        logged_(!absl::StartsWith(method_, "/grpc.")),
        start_(std::chrono::steady_clock::now()),
        in_flight_(metrics_.in_flight.WithLabels({method_})) {
    in_flight_.Add(1);
    calls_in_flight.fetch_add(1, std::memory_order_relaxed);
  }
  ~ServerTelemetry() override {
    in_flight_.Add(-1);
    calls_in_flight.fetch_sub(1, std::memory_order_relaxed);
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      TakeRequestId(*methods->GetRecvInitialMetadata());
      // The handler runs inside Proceed, on this thread.
      RequestIdScope scope(request_id_);
      methods->Proceed();
      return;
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdMetadataKey,
                                                 request_id_);
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finished(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  // Sets request_id_ from `metadata`, or makes one and puts it there in
  // place of a missing or malformed one (request_id_ owns the bytes the
  // metadata then points to; the interceptor lives as long as the call).
  void TakeRequestId(
      std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
    const auto it = metadata.find(kRequestIdMetadataKey);
    if (it != metadata.end()) {
      const std::string sent(it->second.data(), it->second.size());
      if (IsValidRequestId(sent)) {
        request_id_ = sent;
        return;
      }
      metadata.erase(it);
    }
    request_id_ = NewRequestId();
    metadata.emplace(kRequestIdMetadataKey, request_id_);
  }

  void Finished(grpc::StatusCode code) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
            .count();
    metrics_.handled.WithLabels({method_, CodeName(code)}).Increment();
    metrics_.seconds.WithLabels({method_}).Observe(seconds);
    if (logged_) {
      RequestIdScope scope(request_id_);
      spdlog::info("event=rpc_finished method={} code={} ms={}", method_,
                   CodeName(code), static_cast<int64_t>(seconds * 1000));
    }
  }

  const ServerMetrics& metrics_;
  const std::string method_;
  const bool logged_;
  const std::chrono::steady_clock::time_point start_;
  metrics::Gauge& in_flight_;
  std::string request_id_;
};

class ServerTelemetryFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerTelemetryFactory(metrics::Registry& registry)
      : metrics_(registry) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ServerTelemetry(metrics_, info->method());
  }

 private:
  const ServerMetrics metrics_;
};

// Puts the request id current when the call was created on its metadata.
class RequestIdPropagator final : public grpc::experimental::Interceptor {
 public:
  explicit RequestIdPropagator(std::string request_id)
      : request_id_(std::move(request_id)) {}

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata =
          methods->GetSendInitialMetadata();
      if (metadata->count(kRequestIdMetadataKey) == 0) {
        metadata->emplace(kRequestIdMetadataKey, request_id_);
      }
    }
    methods->Proceed();
  }

 private:
  const std::string request_id_;
};

class RequestIdPropagatorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    // Runs on the thread that creates the call, whose id it is.
    const std::string& id = CurrentRequestId();
    return id.empty() ? nullptr : new RequestIdPropagator(id);
  }
};

}  // namespace

int64_t ServerCallsInFlight() {
  return calls_in_flight.load(std::memory_order_relaxed);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeServerTelemetry(metrics::Registry& registry) {
  return std::make_unique<ServerTelemetryFactory>(registry);
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
MakeRequestIdPropagator() {
  return std::make_unique<RequestIdPropagatorFactory>();
}

}  // namespace handin
