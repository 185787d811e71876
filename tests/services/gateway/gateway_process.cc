#include "tests/services/gateway/gateway_process.h"

#include <signal.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace handin::testing {

absl::StatusOr<std::unique_ptr<GatewayProcess>> GatewayProcess::Start(
    const Cluster& cluster, const std::vector<std::string>& extra_flags) {
  std::unique_ptr<GatewayProcess> gateway(new GatewayProcess(cluster));
  const std::string port_file = gateway->dir_.File("gateway.port");
  const std::string metrics_port_file = gateway->dir_.File("metrics.port");
  std::vector<std::string> argv = {
      Cluster::Binary("handin-gateway"),
      "--listen=127.0.0.1:0",
      "--port_file=" + port_file,
      "--tls_cert=" + cluster.CertFile(),
      "--tls_key=" + cluster.KeyFile(),
      "--tls_ca=" + cluster.CaFile(),
      "--token_key=" + cluster.TokenPublicKeyFile(),
      "--grading_addr=" + cluster.TlsAddress("grading"),
      "--deadline_addr=" + cluster.TlsAddress("deadline"),
      "--metrics_listen=127.0.0.1:0",
      "--metrics_port_file=" + metrics_port_file,
      "--shutdown_grace=2s"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  auto started = Subprocess::Start(argv, gateway->dir_.File("gateway.log"));
  if (!started.ok()) return started.status();
  gateway->process_ = *std::move(started);

  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (absl::Now() < give_up) {
    if (!gateway->process_->Running()) {
      return absl::InternalError(absl::StrCat(
          "handin-gateway exited at start:\n", gateway->LogTail()));
    }
    std::ifstream in(port_file);
    if (in >> gateway->port_ && gateway->port_ > 0) {
      // Written before the gateway's own port file.
      std::ifstream(metrics_port_file) >> gateway->metrics_port_;
      httplib::Result health = gateway->Client()->Get("/healthz");
      if (health && health->status == 200) return gateway;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::InternalError(absl::StrCat(
      "handin-gateway did not answer /healthz in 30 s:\n", gateway->LogTail()));
}

std::string GatewayProcess::Url() const {
  return absl::StrCat("https://localhost:", port_);
}

std::unique_ptr<httplib::SSLClient> GatewayProcess::Client() const {
  auto client = std::make_unique<httplib::SSLClient>("localhost", port_);
  client->set_ca_cert_path(cluster_.CaFile().c_str());
  client->enable_server_certificate_verification(true);
  client->set_read_timeout(30, 0);
  return client;
}

absl::StatusOr<int> GatewayProcess::Stop() {
  process_->Signal(SIGTERM);
  return process_->Wait(absl::Seconds(15));
}

std::string GatewayProcess::LogTail() const {
  std::ifstream in(dir_.File("gateway.log"));
  std::stringstream log;
  log << in.rdbuf();
  const std::string text = log.str();
  return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
}

}  // namespace handin::testing
