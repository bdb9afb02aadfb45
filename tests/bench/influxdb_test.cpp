// The --out influxdb export against Debian's InfluxDB 1.6 (`influxd`): a real server on free
// loopback ports in a temp dir, a short in-process run, then InfluxQL over HTTP (via curl) on
// what was written. A missing influxd fails the test: config/setup.sh installs it.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <set>

#include <simdjson.h>

#include "tests/bench/tool_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

/// influxd on its own ports and directories, killed on scope exit.
struct influxd_server {
  temp_dir dir;
  unsigned short http_port = free_port();
  std::optional<child_process> process;

  influxd_server() {
    const std::string influxd = find_tool("influxd");
    REQUIRE_FALSE(influxd.empty()); // apt-get install influxdb (config/setup.sh deps)
    write_config();
    process.emplace(std::vector<std::string>{influxd, "run", "-config", dir.file("influxdb.conf")},
                    dir.file("influxd.log"));
    wait_ready();
  }

  void write_config() {
    std::ofstream c(dir.file("influxdb.conf"));
    const auto d = dir.path.string();
    c << "reporting-enabled = false\nbind-address = \"127.0.0.1:" << free_port() << "\"\n"
      << "[meta]\n  dir = \"" << d << "/meta\"\n"
      << "[data]\n  dir = \"" << d << "/data\"\n  wal-dir = \"" << d << "/wal\"\n"
      << "  query-log-enabled = false\n"
      << "[http]\n  bind-address = \"127.0.0.1:" << http_port << "\"\n  log-enabled = false\n"
      << "[monitor]\n  store-enabled = false\n[continuous_queries]\n  enabled = false\n"
      << "[[graphite]]\n  enabled = false\n[[collectd]]\n  enabled = false\n"
      << "[[opentsdb]]\n  enabled = false\n[[udp]]\n  enabled = false\n";
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port); }

  /// GET /ping until 204, for at most ~20 s.
  void wait_ready() {
    for (int i = 0; i < 80; ++i) {
      int st = 0;
      const auto code = shell_output(
          "curl -s -o /dev/null --max-time 2 -w '%{http_code}' " + url() + "/ping", st);
      if (code == "204")
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    FAIL("influxd did not answer /ping with 204 within 20 s");
  }

  /// Runs one InfluxQL statement (POST for writes to the catalog) and returns the JSON reply.
  std::string query(const std::string& db, const std::string& q, bool post = false) const {
    int st = 0;
    const std::string out =
        shell_output("curl -s --max-time 10 " + std::string(post ? "-XPOST " : "-G ") +
                         sh_quote(url() + "/query") +
                         (db.empty() ? "" : " --data-urlencode " + sh_quote("db=" + db)) +
                         " --data-urlencode " + sh_quote("q=" + q),
                     st);
    REQUIRE(st == 0);
    return out;
  }
};

/// The `values` rows of the first series of the first result of an InfluxDB JSON reply.
simdjson::dom::array first_series_values(simdjson::dom::parser& parser, const std::string& reply) {
  simdjson::dom::element doc;
  REQUIRE(parser.parse(reply).get(doc) == simdjson::SUCCESS);
  simdjson::dom::array values;
  INFO(reply);
  REQUIRE(doc["results"].at(0)["series"].at(0)["values"].get(values) == simdjson::SUCCESS);
  return values;
}

/// Tag keys of `measurement` (SHOW TAG KEYS).
std::set<std::string> tag_keys(const influxd_server& s, const std::string& measurement) {
  simdjson::dom::parser parser;
  std::set<std::string> keys;
  for (auto row : first_series_values(parser, s.query("k6", "SHOW TAG KEYS FROM " + measurement)))
    keys.insert(std::string(std::string_view(row.at(0))));
  return keys;
}

/// A single number from a one-row aggregate query ("SELECT count(value) FROM ...").
double scalar(const influxd_server& s, const std::string& db, const std::string& q) {
  simdjson::dom::parser parser;
  return double(first_series_values(parser, s.query(db, q)).at(0).at(1));
}

std::int64_t exported_requests(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(path).get(doc) == simdjson::SUCCESS);
  return std::int64_t(doc["metrics"]["http_reqs"]["count"]);
}

} // namespace

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE("every request sample written to InfluxDB is a point with k6's measurements and tags",
          "[bench][influxdb]") {
  influxd_server server;
  server.query("", "CREATE DATABASE k6", true);
  temp_dir dir;
  // Unthrottled VUs against the actors: thousands of samples share a microsecond with another
  // of their series, which InfluxDB would collapse into one point unless the sink spreads them.
  const int rc = run_bench({"--target", "actors", "--stage", "1s:2", "--quiet", "--out",
                            "influxdb=" + server.url() + "/k6", "--out-samples", "--summary-export",
                            dir.file("s.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  const auto requests = exported_requests(dir.file("s.json"));
  REQUIRE(requests > 0);

  simdjson::dom::parser parser;
  std::set<std::string> measurements;
  for (auto row : first_series_values(parser, server.query("k6", "SHOW MEASUREMENTS")))
    measurements.insert(std::string(std::string_view(row.at(0))));
  for (const char* m : {"http_req_duration", "http_reqs", "http_req_failed", "vus", "iterations"})
    CHECK(measurements.count(m) == 1);
  const std::set<std::string> request_tags{"expected_response", "method", "name", "proto",
                                           "scenario",          "status"};
  CHECK(tag_keys(server, "http_reqs") == request_tags);
  CHECK(tag_keys(server, "http_req_duration") == request_tags);
  CHECK(tag_keys(server, "vus") == std::set<std::string>{"scenario"});

  // The server is this test's own: every point in it is this run's, whenever it was written.
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_reqs") == double(requests));
  CHECK(scalar(server, "k6", "SELECT sum(value) FROM http_reqs") == double(requests));
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_req_duration") == double(requests));
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_reqs WHERE status = '201'") > 0);
}

TEST_CASE("the per-second InfluxDB aggregates add up to the run's request count",
          "[bench][influxdb]") {
  influxd_server server;
  server.query("", "CREATE DATABASE k6agg", true);
  temp_dir dir;
  const int rc =
      run_bench({"--target", "actors", "--executor", "ramping-arrival-rate", "--stage", "2s:200",
                 "--pre-allocated-vus", "4", "--max-vus", "8", "--quiet", "--out",
                 "influxdb=" + server.url() + "/k6agg", "--summary-export", dir.file("s.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  const auto requests = exported_requests(dir.file("s.json"));
  REQUIRE(requests > 0);
  CHECK(scalar(server, "k6agg", "SELECT sum(value) FROM http_reqs") == double(requests));
  CHECK(scalar(server, "k6agg", "SELECT count(value) FROM http_req_duration WHERE stat = 'p95'") >
        0);
}
#endif
