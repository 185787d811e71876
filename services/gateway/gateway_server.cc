#include "services/gateway/gateway_server.h"

#include <arpa/inet.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/http_listen.h"
#include "common/metrics.h"
#include "common/port_file.h"
#include "common/request_id.h"
#include "httplib.h"
#include "services/gateway/http_error.h"
#include "spdlog/spdlog.h"

namespace handin::gateway {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kApiPrefix[] = "/api/";
// The request id (common/request_id.h): taken from the request when it is
// a valid one, else made; always sent back.
constexpr char kRequestIdHeader[] = "X-Request-Id";

// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback.
bool IsLoopback(absl::string_view peer) {
  absl::ConsumePrefix(&peer, "::ffff:");
  in_addr v4{};
  if (inet_pton(AF_INET, std::string(peer).c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  return peer == "::1";
}

// The route a request took, for metrics: a small fixed set, whatever paths
// clients make up.
const char* RouteOf(const httplib::Request& request) {
  if (request.path == "/healthz") return "health";
  if (absl::StartsWith(request.path, kApiPrefix)) {
    return request.method == "GET" ? "download" : "api";
  }
  return "static";
}

// handin_gateway_http_requests_total{route,status}.
metrics::Family<metrics::Counter>& Requests() {
  static auto& family = metrics::Registry::Default().Counters(
      "handin_gateway_http_requests_total",
      "HTTP requests the gateway answered, by route (api, download, health, "
      "static) and status code.",
      {"route", "status"});
  return family;
}

// The request id the pre-routing handler gave `response`.
std::string AnsweredRequestId(const httplib::Response& response) {
  return response.get_header_value(kRequestIdHeader);
}

void ReplyJson(httplib::Response& response, int status, std::string json) {
  response.status = status;
  response.set_header("Cache-Control", "no-store");
  // RFC 6750: a 401 names the scheme that would be accepted.
  if (status == 401) response.set_header("WWW-Authenticate", "Bearer");
  response.set_content(std::move(json), kJson);
}

std::optional<absl::string_view> Authorization(
    const httplib::Request& request) {
  if (!request.has_header("Authorization")) return std::nullopt;
  // Outlives its use: the request is alive while the handler runs.
  const auto found = request.headers.find("Authorization");
  return absl::string_view(found->second);
}

// The handler of the download route.
void ServeDownload(const Api& api, const httplib::Request& request,
                   httplib::Response& response) {
  grading::v1::DownloadSubmissionRequest download_request;
  download_request.set_course_id(request.get_param_value("course_id"));
  download_request.set_submission_id(request.get_param_value("submission_id"));
  absl::StatusOr<std::unique_ptr<SubmissionDownload>> started =
      api.Download(Authorization(request), download_request);
  if (!started.ok()) {
    ReplyJson(response, HttpStatusFor(started.status().code()),
              ErrorJson(started.status()));
    return;
  }
  std::shared_ptr<SubmissionDownload> download = *std::move(started);
  const common::v1::SubmissionRecord& record = download->record();
  response.set_header("Content-Disposition",
                      ContentDisposition(record.file_name()));
  response.set_header("Cache-Control", "no-store");
  response.set_header("X-Handin-Sha256", record.sha256_hex());
  if (record.size_bytes() == 0) {
    absl::StatusOr<std::string> end = download->NextChunk(0);
    if (!end.ok()) {
      ReplyJson(response, HttpStatusFor(end.status().code()),
                ErrorJson(end.status()));
      return;
    }
    response.set_content("", DownloadMediaType(record));
    return;
  }
  response.set_content_provider(
      static_cast<size_t>(record.size_bytes()), DownloadMediaType(record),
      [download, id = AnsweredRequestId(response)](
          size_t offset, size_t /*length*/, httplib::DataSink& sink) {
        const RequestIdScope scope(id);
        absl::StatusOr<std::string> bytes = download->NextChunk(offset);
        if (!bytes.ok()) {
          // The status line has gone out: cutting the connection short of
          // the Content-Length is how the client learns.
          spdlog::warn("event=download_failed submission={} code={} msg=\"{}\"",
                       download->record().submission_id(),
                       absl::StatusCodeToString(bytes.status().code()),
                       std::string(bytes.status().message()));
          return false;
        }
        return sink.write(bytes->data(), bytes->size());
      });
}

// An HTTPS server with the options' certificate, or with `insecure` a
// plain one.
absl::StatusOr<std::unique_ptr<httplib::Server>> MakeHttpServer(
    const ServerTlsOptions& tls) {
  if (!tls.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "the gateway serves browsers, which present no client certificate: "
        "it does not take --mtls");
  }
  if (tls.insecure) {
    spdlog::warn(
        "event=insecure_server msg=\"serving plain HTTP, to loopback "
        "connections only; use only for local experiments\"");
    return std::make_unique<httplib::Server>();
  }
  if (tls.cert_file.empty() || tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "HTTPS needs --tls_cert and --tls_key (or --insecure for plain "
        "HTTP on loopback)");
  }
  for (const std::string& file : {tls.cert_file, tls.key_file}) {
    if (auto readable = ReadFileToString(file); !readable.ok()) {
      return readable.status();
    }
  }
  auto https = std::make_unique<httplib::SSLServer>(tls.cert_file.c_str(),
                                                    tls.key_file.c_str());
  if (!https->is_valid()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot use ", tls.cert_file, " and ", tls.key_file,
        " for HTTPS (not a PEM certificate chain and its private key?)"));
  }
  return https;
}

// What every request gets before and after routing: limits, security
// headers, the refusals that need no route, the request log.
void Guard(httplib::Server& http, const GatewayOptions& options) {
  const int threads = options.http_threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(options.max_body_bytes);
  http.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data: blob:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
  });
  const bool loopback_only = options.tls.insecure;
  http.set_pre_routing_handler([loopback_only](const httplib::Request& request,
                                               httplib::Response& response) {
    const std::string sent = request.get_header_value(kRequestIdHeader);
    response.set_header(kRequestIdHeader,
                        IsValidRequestId(sent) ? sent : NewRequestId());
    if (loopback_only && !IsLoopback(request.remote_addr)) {
      ReplyJson(response, 403,
                ErrorJson(absl::PermissionDeniedError(
                    "this gateway serves plain HTTP (--insecure) to "
                    "loopback connections only")));
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib cuts any answer to a requested byte range, which a download
    // streamed in order cannot serve: the API ignores Range (RFC 9110
    // lets a server) and answers whole. The request is httplib's own
    // mutable object, handed over as const.
    if (absl::StartsWith(request.path, kApiPrefix)) {
      const_cast<httplib::Request&>(request).ranges.clear();
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger(
      [](const httplib::Request& request, const httplib::Response& response) {
        const RequestIdScope scope(AnsweredRequestId(response));
        Requests()
            .WithLabels({RouteOf(request), std::to_string(response.status)})
            .Increment();
        spdlog::info("event=http method={} path={} status={} peer={}",
                     request.method, request.path, response.status,
                     request.remote_addr);
      });
}

// Why httplib answered `http_status` before any route ran.
absl::Status UnroutedStatus(const httplib::Request& request, int http_status) {
  constexpr char kForm[] =
      "the API takes POST /api/<service>/<method> with a JSON body";
  switch (http_status) {
    case 404:
      return absl::NotFoundError(absl::StrCat("no API route ", request.method,
                                              " ", request.path, "; ", kForm));
    case 413:
      return absl::ResourceExhaustedError(
          "the request body is larger than the gateway accepts");
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "the request could not be served (HTTP ", http_status, "); ", kForm));
  }
}

// The health check, the API and the download.
void Route(httplib::Server& http, const Api& api) {
  http.Get("/healthz",
           [](const httplib::Request&, httplib::Response& response) {
             ReplyJson(response, 200, R"({"status":"SERVING"})");
           });
  http.Post(
      R"(/api/([A-Za-z0-9_.]+)/([A-Za-z0-9_]+))",
      [&api](const httplib::Request& request, httplib::Response& response) {
        const RequestIdScope scope(AnsweredRequestId(response));
        ApiReply reply =
            api.Call(request.matches[1].str(), request.matches[2].str(),
                     Authorization(request), request.body);
        ReplyJson(response, reply.http_status, std::move(reply.json));
      });
  // Routes are regular expressions: the method's dots are literal.
  http.Get(
      absl::StrReplaceAll(absl::StrCat("/api", kDownloadMethod),
                          {{".", "\\."}}),
      [&api](const httplib::Request& request, httplib::Response& response) {
        const RequestIdScope scope(AnsweredRequestId(response));
        ServeDownload(api, request, response);
      });
  // Unrouted /api/ requests (a wrong verb or path) get JSON like the rest
  // of the API; a handler's own error body is left as it is.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty() || response.has_header("Content-Length") ||
            !absl::StartsWith(request.path, kApiPrefix)) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        ReplyJson(response, response.status,
                  ErrorJson(UnroutedStatus(request, response.status),
                            response.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
}

}  // namespace

GatewayServer::GatewayServer(std::unique_ptr<httplib::Server> http,
                             Backends& backends)
    : http_(std::move(http)), backends_(backends) {}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    const GatewayOptions& options, const Api& api, Backends& backends) {
  auto address = ParseHostPort(options.listen_address, "--listen");
  if (!address.ok()) return address.status();
  auto http = MakeHttpServer(options.tls);
  if (!http.ok()) return http.status();
  Guard(**http, options);
  Route(**http, api);
  if (!options.static_dir.empty() &&
      !(*http)->set_mount_point("/", options.static_dir)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--static_dir ", options.static_dir, " is not a directory"));
  }
  absl::StatusOr<int> port = BindHttpServer(**http, *address);
  if (!port.ok()) return port.status();
  std::unique_ptr<GatewayServer> server(
      new GatewayServer(*std::move(http), backends));
  server->port_ = *port;
  server->listener_ = ServeInBackground(
      *server->http_, [raw = server.get()] { raw->listener_done_.Notify(); });
  if (!options.port_file.empty()) {
    absl::Status written = WritePortFile(options.port_file, *port);
    if (!written.ok()) return written;  // ~GatewayServer stops it.
  }
  return server;
}

GatewayServer::~GatewayServer() { Stop(absl::ZeroDuration()); }

void GatewayServer::Stop(absl::Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  http_->stop();
  if (!listener_done_.WaitForNotificationWithTimeout(grace)) {
    spdlog::warn(
        "event=shutdown_grace_over msg=\"cancelling the calls of "
        "requests still in flight\"");
    backends_.CancelAll();
  }
  listener_.join();
}

}  // namespace handin::gateway
