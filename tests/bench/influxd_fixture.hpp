// influxd for the tests of the --out influxdb export: Debian's InfluxDB 1.6 on free loopback
// ports in a temp dir, killed on scope exit, and InfluxQL over HTTP (via curl) on what it holds.
// A missing influxd fails the test: config/setup.sh installs it.
#pragma once

#include <fstream>
#include <optional>
#include <set>
#include <string>

#include <simdjson.h>

#include "tests/bench/tool_fixture.hpp"

namespace actorshop::bench::tools {

/// influxd on its own ports and directories, killed on scope exit.
struct influxd_server {
  temp_dir dir;
  unsigned short http_port = free_port();
  std::optional<child_process> process;

  /// `http_extra`: more lines for the [http] section (e.g. a small max-body-size).
  explicit influxd_server(const std::string& http_extra = "") {
    const std::string influxd = find_tool("influxd");
    REQUIRE_FALSE(influxd.empty()); // apt-get install influxdb (config/setup.sh deps)
    write_config(http_extra);
    process.emplace(std::vector<std::string>{influxd, "run", "-config", dir.file("influxdb.conf")},
                    dir.file("influxd.log"));
    wait_ready();
  }

  void write_config(const std::string& http_extra) {
    std::ofstream c(dir.file("influxdb.conf"));
    const auto d = dir.path.string();
    c << "reporting-enabled = false\nbind-address = \"127.0.0.1:" << free_port() << "\"\n"
      << "[meta]\n  dir = \"" << d << "/meta\"\n"
      << "[data]\n  dir = \"" << d << "/data\"\n  wal-dir = \"" << d << "/wal\"\n"
      << "  query-log-enabled = false\n"
      << "[http]\n  bind-address = \"127.0.0.1:" << http_port << "\"\n  log-enabled = false\n"
      << http_extra
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
      // A bounded poll for influxd's readiness (the event), not a guess at how long it takes.
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
inline simdjson::dom::array first_series_values(simdjson::dom::parser& parser,
                                                const std::string& reply) {
  simdjson::dom::element doc;
  REQUIRE(parser.parse(reply).get(doc) == simdjson::SUCCESS);
  simdjson::dom::array values;
  INFO(reply);
  REQUIRE(doc["results"].at(0)["series"].at(0)["values"].get(values) == simdjson::SUCCESS);
  return values;
}

/// Tag keys of `measurement` (SHOW TAG KEYS).
inline std::set<std::string> tag_keys(const influxd_server& s, const std::string& measurement) {
  simdjson::dom::parser parser;
  std::set<std::string> keys;
  for (auto row : first_series_values(parser, s.query("k6", "SHOW TAG KEYS FROM " + measurement)))
    keys.insert(std::string(std::string_view(row.at(0))));
  return keys;
}

/// A single number from a one-row aggregate query ("SELECT count(value) FROM ...").
inline double scalar(const influxd_server& s, const std::string& db, const std::string& q) {
  simdjson::dom::parser parser;
  return double(first_series_values(parser, s.query(db, q)).at(0).at(1));
}

} // namespace actorshop::bench::tools
