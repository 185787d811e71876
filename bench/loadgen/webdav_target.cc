#include "bench/loadgen/webdav_target.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/loadgen/bench_course.h"

namespace handin::bench {
namespace {

using Outcome = UploadResult::Outcome;

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return std::strerror(errno);
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

}  // namespace

// One TCP connection, with TLS when the target speaks HTTPS. Blocking I/O
// with the upload timeout on both directions.
class WebDavTarget::Connection {
 public:
  Connection(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Connection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    close(fd_);
  }

  // Sends all of `bytes`; false if the connection broke.
  bool Send(const char* bytes, size_t n) {
    while (n > 0) {
      const int chunk = static_cast<int>(std::min<size_t>(n, 1 << 30));
      const ssize_t sent = ssl_ != nullptr
                               ? SSL_write(ssl_, bytes, chunk)
                               : send(fd_, bytes, chunk, MSG_NOSIGNAL);
      if (sent <= 0) {
        if (ssl_ == nullptr && errno == EINTR) continue;
        return false;
      }
      bytes += sent;
      n -= static_cast<size_t>(sent);
    }
    return true;
  }

  // Reads one HTTP response: its status code, or an error. Sets
  // `keep_alive` if the connection may carry another request.
  absl::StatusOr<int> ReadResponse(bool& keep_alive) {
    std::string head;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return absl::UnavailableError("the server closed early");
    }
    head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::vector<std::string> lines = absl::StrSplit(head, "\r\n");
    std::vector<std::string> status_line = absl::StrSplit(lines[0], ' ');
    int code = 0;
    if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &code)) {
      return absl::DataLossError(absl::StrCat("bad status line: ", lines[0]));
    }
    int64_t body = 0;
    keep_alive = true;
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t colon = lines[i].find(':');
      if (colon == std::string::npos) continue;
      const std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
      const std::string value(
          absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
      if (name == "content-length") absl::SimpleAtoi(value, &body);
      if (name == "connection" && absl::AsciiStrToLower(value) == "close") {
        keep_alive = false;
      }
    }
    while (static_cast<int64_t>(buffer_.size()) < body) {
      if (!Fill()) return absl::UnavailableError("the server closed early");
    }
    buffer_.erase(0, static_cast<size_t>(body));
    return code;
  }

 private:
  bool Fill() {
    char bytes[16384];
    for (;;) {
      const ssize_t got = ssl_ != nullptr ? SSL_read(ssl_, bytes, sizeof(bytes))
                                          : recv(fd_, bytes, sizeof(bytes), 0);
      if (got > 0) {
        buffer_.append(bytes, static_cast<size_t>(got));
        return true;
      }
      if (ssl_ == nullptr && got < 0 && errno == EINTR) continue;
      return false;
    }
  }

  const int fd_;
  SSL* const ssl_;
  std::string buffer_;
};

absl::StatusOr<std::unique_ptr<WebDavTarget>> WebDavTarget::Create(
    WebDavTargetOptions options) {
  std::unique_ptr<WebDavTarget> target(new WebDavTarget(std::move(options)));
  if (target->options_.tls) {
    SSL_CTX* context = SSL_CTX_new(TLS_client_method());
    target->ssl_context_ = context;
    if (context == nullptr ||
        SSL_CTX_load_verify_locations(context, target->options_.ca_file.c_str(),
                                      nullptr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("cannot use CA file ",
                                                     target->options_.ca_file,
                                                     ": ", OpenSslError()));
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  }
  return target;
}

WebDavTarget::WebDavTarget(WebDavTargetOptions options)
    : options_(std::move(options)) {
  absl::MutexLock lock(&mu_);
  idle_.resize(static_cast<size_t>(options_.students));
}

WebDavTarget::~WebDavTarget() {
  {
    absl::MutexLock lock(&mu_);
    idle_.clear();
  }
  if (ssl_context_ != nullptr) SSL_CTX_free(ssl_context_);
}

absl::StatusOr<std::unique_ptr<WebDavTarget::Connection>> WebDavTarget::Open() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = absl::StrCat(options_.port);
  if (getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve ", options_.host));
  }
  const int fd = socket(found->ai_family, found->ai_socktype, 0);
  const bool connected =
      fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  freeaddrinfo(found);
  if (!connected) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to ", options_.host, ":", options_.port, ": ", why));
  }
  timeval timeout = absl::ToTimeval(options_.upload_timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  // As curl and gRPC do: a request's head and body are separate writes, and
  // Nagle's algorithm would hold the body back until the server's delayed
  // ACK of the head (40 ms on Linux), which the peer would be charged for.
  const int no_delay = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof(no_delay));
  if (ssl_context_ == nullptr) return std::make_unique<Connection>(fd, nullptr);
  SSL* ssl = SSL_new(ssl_context_);
  auto connection = std::make_unique<Connection>(fd, ssl);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1 ||
      SSL_set1_host(ssl, "localhost") != 1 ||
      SSL_set_tlsext_host_name(ssl, "localhost") != 1 ||
      SSL_connect(ssl) != 1) {
    return absl::UnavailableError(
        absl::StrCat("TLS handshake with ", options_.host, ":", options_.port,
                     " failed: ", OpenSslError()));
  }
  return connection;
}

absl::StatusOr<std::unique_ptr<WebDavTarget::Connection>> WebDavTarget::Take(
    int student) {
  {
    absl::MutexLock lock(&mu_);
    std::vector<std::unique_ptr<Connection>>& idle = idle_.at(student);
    if (!idle.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle.back());
      idle.pop_back();
      return connection;
    }
  }
  return Open();
}

void WebDavTarget::Return(int student, std::unique_ptr<Connection> connection) {
  absl::MutexLock lock(&mu_);
  idle_.at(student).push_back(std::move(connection));
}

absl::Status WebDavTarget::Connect(int student) {
  absl::StatusOr<std::unique_ptr<Connection>> connection = Open();
  if (!connection.ok()) return connection.status();
  Return(student, *std::move(connection));
  return absl::OkStatus();
}

UploadResult WebDavTarget::Upload(int student, const std::string& item_id,
                                  const GeneratedFile& file,
                                  const std::string& tag) {
  UploadResult result;
  absl::StatusOr<std::unique_ptr<Connection>> connection = Take(student);
  if (!connection.ok()) {
    result.error = std::string(connection.status().message());
    return result;
  }
  const std::string head = absl::StrCat(
      "PUT /rush/", StudentId(student), "/", item_id, "/", tag, "-",
      file.file_name(),
      " HTTP/1.1\r\nHost: localhost\r\nContent-Length: ", file.size_bytes(),
      "\r\nContent-Type: application/octet-stream\r\n\r\n");
  // The head goes out with the first piece of the body in one write, so a
  // small PUT reaches nginx as one TLS record, read at once.
  std::string buffer = head;
  const size_t piece =
      static_cast<size_t>(std::min(options_.chunk_bytes, file.size_bytes()));
  int64_t offset = 0;
  bool open = true;
  do {
    const size_t kept = buffer.size();
    buffer.resize(kept + piece);
    const size_t n = file.Read(offset, buffer.data() + kept, piece);
    open = (*connection)->Send(buffer.data(), kept + n);
    offset += static_cast<int64_t>(n);
    buffer.clear();
  } while (open && offset < file.size_bytes());
  const absl::Time last_chunk = absl::Now();
  bool keep_alive = false;
  absl::StatusOr<int> code = (*connection)->ReadResponse(keep_alive);
  result.receipt_latency = absl::Now() - last_chunk;
  if (!code.ok()) {
    result.error = absl::StrCat("HTTP: ", code.status().message());
    return result;
  }
  if (*code >= 200 && *code < 300) {
    result.outcome = Outcome::kStored;
  } else {
    result.outcome =
        *code >= 400 && *code < 500 ? Outcome::kRefused : Outcome::kFailed;
    result.error = absl::StrCat("HTTP ", *code);
  }
  if (open && keep_alive) Return(student, *std::move(connection));
  return result;
}

}  // namespace handin::bench
