// The Grafana dashboard (config/grafana/actorshop-dashboard.json) against a real Prometheus:
// Debian's prometheus scrapes a real daemon every second (config/prometheus/prometheus.yml with
// the daemon's port), a bounded coupon burst runs, then every PromQL expression of the dashboard
// file must return data through Prometheus' HTTP API, and the 201 counter's increase over the
// run must equal the coupons the client was issued.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <regex>

#include <simdjson.h>

#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop::test;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Prometheus on a free loopback port with its own storage, scraping the daemon on `target`.
struct prometheus_server {
  unsigned short port = free_port();
  child_process process;

  prometheus_server(const temp_dir& dir, unsigned short target)
      : process({find_tool("prometheus"), "--config.file=" + write_config(dir, target),
                 "--storage.tsdb.path=" + dir.file("prometheus-data"),
                 "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
                dir.file("prometheus.log")) {}

  /// The repository's scrape config with the daemon's port in place of the default 8080.
  static std::string write_config(const temp_dir& dir, unsigned short target) {
    auto yml = slurp(std::string(ACTORSHOP_SOURCE_DIR) + "/config/prometheus/prometheus.yml");
    REQUIRE(yml.find("127.0.0.1:8080") != std::string::npos);
    yml = std::regex_replace(yml, std::regex("127\\.0\\.0\\.1:8080"),
                             "127.0.0.1:" + std::to_string(target));
    auto path = dir.file("prometheus.yml");
    std::ofstream(path) << yml;
    return path;
  }

  /// Runs an instant query at `time`; returns the raw JSON answer ("" if Prometheus is not up).
  std::string query(const std::string& promql, double time) {
    try {
      client c(port);
      char t[32];
      std::snprintf(t, sizeof t, "%.3f", time);
      auto r = c.get("/api/v1/query?query=" + url_encode(promql) + "&time=" + t);
      return r.status == 200 ? r.body : std::string();
    } catch (const std::exception&) {
      return {};
    }
  }
};

/// The `data.result` array of a query answer.
simdjson::dom::array result_of(simdjson::dom::parser& parser, const std::string& body) {
  auto doc = parser.parse(body);
  REQUIRE(std::string_view(doc["status"].get_string().value()) == "success");
  return doc["data"]["result"].get_array().value();
}

/// The value of the first series of an instant vector answer, or -1 if there is none.
double first_value(const std::string& body) {
  if (body.empty())
    return -1;
  simdjson::dom::parser parser;
  auto result = result_of(parser, body);
  if (result.size() == 0)
    return -1;
  return std::stod(std::string(result.at(0)["value"].at(1).get_string().value()));
}

/// Every `expr` of the dashboard's panels (the file is the data: a new panel is checked too).
std::vector<std::string> dashboard_exprs() {
  auto text = slurp(std::string(ACTORSHOP_SOURCE_DIR) + "/config/grafana/actorshop-dashboard.json");
  simdjson::dom::parser parser;
  auto doc = parser.parse(text);
  std::vector<std::string> out;
  for (auto panel : doc["panels"].get_array())
    for (auto target : panel["targets"].get_array())
      out.emplace_back(target["expr"].get_string().value());
  return out;
}

const std::string coupon_201 =
    R"(actorshop_http_requests_total{job="actorshop",route="/coupons/issue",method="POST",status="201"})";

} // namespace

TEST_CASE("every PromQL expression of the Grafana dashboard returns data from a real Prometheus",
          "[http][prometheus]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  prometheus_server prom(dir, d.port());

  // The series exists from the start (at 0): wait until Prometheus has scraped it, so the run's
  // first sample is taken before any coupon is issued.
  REQUIRE(wait_for_state([&] { return first_value(prom.query(coupon_201, unix_now())) == 0; },
                         std::chrono::seconds(60)));

  // A bounded burst: 1,500 customers ask for coupon 4001 (1,000 to issue), plus a few other
  // routes so that every family has moved.
  std::int64_t issued = 0, other = 0;
  {
    client c(d.port());
    for (int customer = 1001; customer <= 2500; ++customer) {
      auto r = c.post("/coupons/issue",
                      R"({"couponId":4001,"customerId":)" + std::to_string(customer) + "}");
      (r.status == 201 ? issued : other) += 1;
    }
    c.get("/products");
    c.get("/nowhere");
    c.request("PATCH", "/balances/charge", R"({"customerId":1001,"amount":1000})");
  }
  CHECK(issued == 1000);
  CHECK(other == 500);
  const double load_end = unix_now();

  // Wait for two scrapes after the load (so rates over the window see its end).
  REQUIRE(wait_for_state(
      [&] {
        return first_value(prom.query(R"(timestamp(up{job="actorshop"}))", unix_now())) >
               load_end + 1.5;
      },
      std::chrono::seconds(60)));
  const double at = unix_now();

  SECTION("the 201 counter's increase over the run equals the coupons issued") {
    // increase() extrapolates to the window's edges and would not give an exact count, so the
    // raw samples of the whole run are read (a range selector at one evaluation time) and the
    // first is subtracted from the last: the first was scraped before the burst (waited for
    // above, value 0), the last after it, and the counter never resets in one daemon's life.
    auto body = prom.query(coupon_201 + "[10m]", at);
    simdjson::dom::parser parser;
    auto result = result_of(parser, body);
    REQUIRE(result.size() == 1);
    auto values = result.at(0)["values"].get_array().value();
    REQUIRE(values.size() >= 2);
    auto sample = [&](std::size_t i) {
      return std::stod(std::string(values.at(i).at(1).get_string().value()));
    };
    INFO(body);
    CHECK(sample(0) == 0);
    CHECK(sample(values.size() - 1) - sample(0) == double(issued));
  }

  SECTION("every panel expression returns a non-empty result") {
    auto exprs = dashboard_exprs();
    REQUIRE(exprs.size() >= 20);
    for (auto expr : exprs) {
      // Grafana's $__rate_interval is at least 4 scrape intervals; a fixed 30 s window here
      // covers the whole burst at the evaluation time.
      expr = std::regex_replace(expr, std::regex("\\$__rate_interval"), "30s");
      auto body = prom.query(expr, at);
      INFO(expr);
      INFO(body);
      REQUIRE(!body.empty());
      simdjson::dom::parser parser;
      CHECK(result_of(parser, body).size() > 0);
    }
  }
  CHECK(d.terminate() == 0);
}
