// Grafana dashboard 2587 ("k6 Load Testing Results") on what actorshop-bench writes: a short run
// of each seed profile against the real daemon, --out influxdb to a real influxd, then every
// panel query of the dashboard as it has them (InfluxQL, with Grafana's $timeFilter and
// $__interval filled in for the run's window) must return data, and the figures a k6 user reads
// off the dashboard must agree with the run's own summary.
#include <catch2/catch.hpp>

#include <chrono>

#include <simdjson.h>

#include "support/daemon_process.hpp"
#include "tests/bench/influxd_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

/// The dashboard's panel queries. "errors" is the custom Rate of k6's example scripts: the seed
/// scripts do not declare it, so that panel is empty under k6 too (`expect_data` false).
struct panel_query {
  const char* panel;
  const char* influxql;
  bool expect_data = true;
};

const panel_query dashboard_2587[] = {
    {"Virtual Users",
     R"(SELECT max("value") FROM "vus" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"Requests per Second",
     R"(SELECT sum("value") FROM "http_reqs" WHERE $timeFilter GROUP BY time(1s) fill(none))"},
    {"Errors Per Second",
     R"(SELECT count("value") FROM "errors" WHERE $timeFilter GROUP BY time(1s))", false},
    {"Checks Per Second",
     R"(SELECT count("value") FROM "checks" WHERE $timeFilter GROUP BY time(1s) fill(none))"},
    {"Checks",
     R"(SELECT sum("value") / count("value") FROM "checks" WHERE $timeFilter GROUP BY "check")"},
    {"http_req_duration mean",
     R"(SELECT mean("value") FROM "http_req_duration" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_duration max",
     R"(SELECT max("value") FROM "http_req_duration" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_duration min",
     R"(SELECT min("value") FROM "http_req_duration" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_duration p90",
     R"(SELECT percentile("value", 90) FROM "http_req_duration" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_duration p95",
     R"(SELECT percentile("value", 95) FROM "http_req_duration" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_duration by status",
     R"(SELECT mean("value"), percentile("value", 95) FROM "http_req_duration" WHERE $timeFilter GROUP BY "status")"},
    {"http_req_duration by url",
     R"(SELECT mean("value"), max("value"), percentile("value", 95) FROM "http_req_duration" WHERE $timeFilter GROUP BY "url")"},
    {"http_req_blocked",
     R"(SELECT mean("value"), max("value"), percentile("value", 95) FROM "http_req_blocked" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_connecting",
     R"(SELECT mean("value"), max("value"), percentile("value", 95) FROM "http_req_connecting" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_tls_handshaking",
     R"(SELECT mean("value"), max("value") FROM "http_req_tls_handshaking" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_sending",
     R"(SELECT mean("value"), max("value"), percentile("value", 95) FROM "http_req_sending" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_waiting",
     R"(SELECT mean("value"), max("value"), percentile("value", 95) FROM "http_req_waiting" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"http_req_receiving",
     R"(SELECT mean("value"), max("value"), percentile("value", 95) FROM "http_req_receiving" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
    {"Data Sent",
     R"(SELECT sum("value") FROM "data_sent" WHERE $timeFilter GROUP BY time(1s) fill(none))"},
    {"Data Received",
     R"(SELECT sum("value") FROM "data_received" WHERE $timeFilter GROUP BY time(1s) fill(none))"},
    {"iteration_duration",
     R"(SELECT mean("value"), max("value"), percentile("value", 95) FROM "iteration_duration" WHERE $timeFilter GROUP BY time($__interval) fill(none))"},
};

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Grafana's macros for a window: $timeFilter as epoch milliseconds, $__interval as 1s.
std::string with_window(std::string q, std::int64_t from_ms, std::int64_t to_ms) {
  const std::string filter =
      "time >= " + std::to_string(from_ms) + "ms AND time <= " + std::to_string(to_ms) + "ms";
  for (auto [macro, value] :
       {std::pair<std::string, std::string>{"$timeFilter", filter}, {"$__interval", "1s"}})
    for (auto p = q.find(macro); p != std::string::npos; p = q.find(macro))
      q.replace(p, macro.size(), value);
  return q;
}

/// The run's own figures from its --summary-export.
struct summary_figures {
  double requests = 0, p95 = 0, p95_expected = 0, failed_rate = 0;
};

summary_figures read_summary(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(path).get(doc) == simdjson::SUCCESS);
  auto m = doc["metrics"];
  return {double(m["http_reqs"]["count"]), double(m["http_req_duration"]["p(95)"]),
          double(m["http_req_duration{expected_response:true}"]["p(95)"]),
          double(m["http_req_failed"]["value"])};
}

/// The summary's p95 comes from a histogram (< 1% per value, recorded in whole microseconds)
/// and interpolates between ranks as k6 does; InfluxQL's percentile takes the nearest rank.
void check_p95(double influx_ms, double summary_ms) {
  INFO("InfluxDB p95 " << influx_ms << " ms, summary p95 " << summary_ms << " ms");
  CHECK(std::abs(influx_ms - summary_ms) <= 0.02 * summary_ms + 0.005);
}

double row_value(simdjson::dom::element series, std::size_t column) {
  return double(series["values"].at(0).at(column));
}

/// Every panel returns data (or none, for "errors"), and the dashboard agrees with the summary.
void check_dashboard(const influxd_server& server, const std::string& db, std::int64_t from,
                     std::int64_t to, const summary_figures& s) {
  simdjson::dom::parser parser;
  for (const auto& p : dashboard_2587) {
    const std::string q = with_window(p.influxql, from, to);
    const std::string reply = server.query(db, q);
    INFO(p.panel << ": " << q << "\n" << reply);
    CHECK((reply.find("\"series\"") != std::string::npos) == p.expect_data);
  }
  const auto q = [&](const char* text) { return server.query(db, with_window(text, from, to)); };
  CHECK(double(first_series_values(parser,
                                   q(R"(SELECT count("value") FROM "http_reqs" WHERE $timeFilter)"))
                   .at(0)
                   .at(1)) == s.requests);
  CHECK(double(first_series_values(
                   parser, q(R"(SELECT mean("value") FROM "http_req_failed" WHERE $timeFilter)"))
                   .at(0)
                   .at(1)) == Approx(s.failed_rate).margin(1e-9));
  check_p95(
      double(first_series_values(
                 parser,
                 q(R"(SELECT percentile("value", 95) FROM "http_req_duration" WHERE $timeFilter)"))
                 .at(0)
                 .at(1)),
      s.p95);
  // Every expected response of the seed scripts is a 201: its series is the summary's
  // http_req_duration{expected_response:true}.
  simdjson::dom::element doc;
  REQUIRE(
      parser
          .parse(q(
              R"(SELECT percentile("value", 95) FROM "http_req_duration" WHERE $timeFilter GROUP BY "status")"))
          .get(doc) == simdjson::SUCCESS);
  bool saw_201 = false;
  for (auto series : doc["results"].at(0)["series"].get_array()) {
    if (std::string_view(series["tags"]["status"]) != "201")
      continue;
    saw_201 = true;
    check_p95(row_value(series, 1), s.p95_expected);
  }
  CHECK(saw_201);
}

/// The daemon on a seeded database in `dir` (tests/support), its port read from its start line.
struct daemon_under_test {
  actorshop::test::daemon_process process;
  explicit daemon_under_test(const temp_dir& dir)
      : process({"--db", dir.file("shop.db"), "--seed", "--log-level", "warn"}) {}
  std::string url() const { return "http://127.0.0.1:" + std::to_string(process.port()); }
};

} // namespace

#ifdef ACTORSHOP_DAEMON
TEST_CASE("every panel of Grafana dashboard 2587 shows both seed profiles as their summaries do",
          "[bench][influxdb][grafana]") {
  influxd_server server;
  temp_dir dir;
  daemon_under_test daemon(dir);
  for (auto [profile, scale] : {std::pair{"coupon-peak", "0.2"}, {"order-payment", "0.01"}}) {
    SECTION(profile) {
      const std::string db = std::string(profile) == "coupon-peak" ? "coupon" : "orders";
      const auto from = unix_ms() - 1000;
      const int rc =
          run_bench({"--profile", profile, "--target", daemon.url(), "--time-scale", scale,
                     "--quiet", "--no-audit", "--out", "influxdb=" + server.url() + "/" + db,
                     "--summary-export", dir.file(db + ".json")});
      CHECK((rc == 0 || rc == exit_threshold_failed));
      const auto to = unix_ms() + 1000;
      check_dashboard(server, db, from, to, read_summary(dir.file(db + ".json")));
    }
  }
}
#endif
