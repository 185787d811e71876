#include "common/metrics_http.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace handin::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsEndpoint, ServesTheRegistryAtSlashMetrics) {
  Registry registry;
  Counter& bytes =
      registry.Counters("handin_test_bytes_total", "Bytes.").Unlabeled();
  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ASSERT_GT((*endpoint)->port(), 0);

  httplib::Client client("127.0.0.1", (*endpoint)->port());
  bytes.Increment(42);
  httplib::Result scraped = client.Get("/metrics");
  ASSERT_TRUE(scraped) << httplib::to_string(scraped.error());
  EXPECT_EQ(scraped->status, 200);
  EXPECT_EQ(scraped->get_header_value("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(scraped->body, registry.Exposition());
  EXPECT_THAT(scraped->body, HasSubstr("\nhandin_test_bytes_total 42\n"));

  httplib::Result other = client.Get("/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

TEST(MetricsEndpoint, RefusesAPortInUseAndMalformedAddresses) {
  Registry registry;
  auto first = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = MetricsEndpoint::Start(
      "127.0.0.1:" + std::to_string((*first)->port()), registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("--metrics_listen"));

  for (const char* bad :
       {"9451", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000", ":9451"}) {
    EXPECT_EQ(MetricsEndpoint::Start(bad, registry).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(MetricsEndpoint, StopsWhenDestroyed) {
  Registry registry;
  int port = 0;
  {
    auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
    ASSERT_TRUE(endpoint.ok()) << endpoint.status();
    port = (*endpoint)->port();
  }
  httplib::Client client("127.0.0.1", port);
  EXPECT_FALSE(client.Get("/metrics"));
}

}  // namespace
}  // namespace handin::metrics
