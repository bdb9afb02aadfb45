// The --out influxdb export against Debian's InfluxDB 1.6 (`influxd`): a short in-process run
// writes to a server of the test's own, then InfluxQL checks what k6's users would query: one
// point per sample with k6's measurements, tags and fields, the database created by the bench,
// the 1 s aggregates on request, and a failed write failing the run.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include "tests/bench/influxd_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

std::int64_t exported_requests(const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(path).get(doc) == simdjson::SUCCESS);
  return std::int64_t(doc["metrics"]["http_reqs"]["count"]);
}

/// The count of counter `metric` in the summary export; 0 when the run has none.
double exported_count(const std::string& path, const char* metric) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(path).get(doc) == simdjson::SUCCESS);
  double count = 0;
  return doc["metrics"][metric]["count"].get(count) == simdjson::SUCCESS ? count : 0.0;
}

/// A run of a few thousand requests: every one of them becomes a dozen points or more.
std::vector<std::string> bounded_run(const std::string& out, const std::string& summary) {
  return {"--target",
          "actors",
          "--executor",
          "ramping-arrival-rate",
          "--stage",
          "2s:3000",
          "--pre-allocated-vus",
          "4",
          "--max-vus",
          "8",
          "--quiet",
          "--no-audit",
          "--out",
          out,
          "--summary-export",
          summary};
}

} // namespace

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE("every sample written to InfluxDB is a point with k6's measurements, tags and fields",
          "[bench][influxdb]") {
  influxd_server server; // no CREATE DATABASE here: the bench creates it, as k6 does
  temp_dir dir;
  const int rc = run_bench(bounded_run("influxdb=" + server.url() + "/k6", dir.file("s.json")));
  CHECK((rc == 0 || rc == exit_threshold_failed));
  const auto requests = exported_requests(dir.file("s.json"));
  REQUIRE(requests > 0);

  simdjson::dom::parser parser;
  std::set<std::string> measurements;
  for (auto row : first_series_values(parser, server.query("k6", "SHOW MEASUREMENTS")))
    measurements.insert(std::string(std::string_view(row.at(0))));
  for (const char* m :
       {"checks", "coupon_201_count", "coupon_201_rate", "data_received", "data_sent",
        "http_req_blocked", "http_req_connecting", "http_req_duration", "http_req_failed",
        "http_req_receiving", "http_req_sending", "http_req_tls_handshaking", "http_req_waiting",
        "http_reqs", "iteration_duration", "iterations", "vus", "vus_max"})
    CHECK(measurements.count(m) == 1);
  // 409s carry k6's error_code (1409); `url` is a field, as k6's default tagsAsFields has it.
  const std::set<std::string> request_tags{"error_code", "expected_response", "method", "name",
                                           "proto",      "scenario",          "status"};
  CHECK(tag_keys(server, "http_reqs") == request_tags);
  CHECK(tag_keys(server, "http_req_waiting") == request_tags);
  CHECK(tag_keys(server, "checks") == std::set<std::string>{"check", "scenario"});
  CHECK(tag_keys(server, "iterations") == std::set<std::string>{"scenario"});
  CHECK(server.query("k6", "SHOW TAG KEYS FROM vus").find("series") == std::string::npos);
  // k6's tagsAsFields moves url to a string field; vu and iter are not default system tags.
  const auto fields = server.query("k6", "SHOW FIELD KEYS FROM http_reqs");
  CHECK_THAT(fields, Catch::Contains("[\"url\",\"string\"]"));
  CHECK_THAT(fields, Catch::Contains("[\"value\",\"float\"]"));
  CHECK_THAT(fields, !Catch::Contains("\"vu\""));

  // The server is this test's own: every point in it is this run's, whenever it was written.
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_reqs") == double(requests));
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_req_duration") == double(requests));
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_req_connecting") == double(requests));
  CHECK(scalar(server, "k6", "SELECT count(value) FROM checks") == double(requests));
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_reqs WHERE error_code = '1409'") > 0);
  CHECK(scalar(server, "k6", "SELECT count(value) FROM http_reqs WHERE \"group\" = ''") ==
        double(requests));
  // A bounded pool (8 VUs for up to 3,000 iterations a second) may drop some: a point each.
  if (const double dropped = exported_count(dir.file("s.json"), "dropped_iterations"); dropped > 0)
    CHECK(scalar(server, "k6", "SELECT count(value) FROM dropped_iterations") == dropped);
}

TEST_CASE("with --system-tags vu,iter InfluxDB points carry them as integer fields, a tag left "
          "out is gone, and each dropped iteration is a point of 1",
          "[bench][influxdb]") {
  influxd_server server;
  temp_dir dir;
  // One VU for iterations due a microsecond apart: iterations are dropped on any machine.
  const int rc = run_bench(
      {"--target", "actors", "--executor", "ramping-arrival-rate", "--stage", "100ms:1000000",
       "--pre-allocated-vus", "1", "--max-vus", "1", "--quiet", "--no-audit", "--system-tags",
       "proto,method,url,name,group,check,error,error_code,scenario,expected_response,vu,iter",
       "--out", "influxdb=" + server.url() + "/k6", "--summary-export", dir.file("s.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  const auto requests = exported_requests(dir.file("s.json"));
  REQUIRE(requests > 0);
  const auto fields = server.query("k6", "SHOW FIELD KEYS FROM http_reqs");
  CHECK_THAT(fields, Catch::Contains("[\"vu\",\"integer\"]"));
  CHECK_THAT(fields, Catch::Contains("[\"iter\",\"integer\"]"));
  CHECK_THAT(server.query("k6", "SHOW FIELD KEYS FROM checks"), Catch::Contains("\"vu\""));
  CHECK(scalar(server, "k6", "SELECT count(vu) FROM http_reqs") == double(requests));
  CHECK(scalar(server, "k6", "SELECT max(vu) FROM http_reqs") == 1);
  const auto keys = tag_keys(server, "http_reqs");
  CHECK(keys.count("status") == 0); // left out of the set
  CHECK(keys.count("method") == 1);
  CHECK(keys.count("scenario") == 1);
  const double dropped = exported_count(dir.file("s.json"), "dropped_iterations");
  REQUIRE(dropped > 0);
  CHECK(scalar(server, "k6", "SELECT count(value) FROM dropped_iterations") == dropped);
  CHECK(scalar(server, "k6", "SELECT max(value) FROM dropped_iterations") == 1);
  CHECK(tag_keys(server, "dropped_iterations") == std::set<std::string>{"scenario"});
}

TEST_CASE("the --out-aggregate points are per-second aggregates adding up to the run's requests",
          "[bench][influxdb]") {
  influxd_server server;
  temp_dir dir;
  auto args = bounded_run("influxdb=" + server.url() + "/k6agg", dir.file("s.json"));
  args.push_back("--out-aggregate");
  const int rc = run_bench(args);
  CHECK((rc == 0 || rc == exit_threshold_failed));
  const auto requests = exported_requests(dir.file("s.json"));
  REQUIRE(requests > 0);
  CHECK(scalar(server, "k6agg", "SELECT sum(value) FROM http_reqs") == double(requests));
  CHECK(scalar(server, "k6agg", "SELECT count(value) FROM http_reqs") < double(requests));
  CHECK(scalar(server, "k6agg", "SELECT count(value) FROM http_req_duration WHERE stat = 'p95'") >
        0);
}

TEST_CASE("a write InfluxDB refuses fails the run with exit 103, no server at all fails it at once",
          "[bench][influxdb]") {
  // A 1 kB body limit: CREATE DATABASE passes, every batch of samples is refused (413).
  influxd_server server("  max-body-size = 1000\n");
  temp_dir dir;
  CHECK(run_bench(bounded_run("influxdb=" + server.url() + "/small", dir.file("s.json"))) ==
        exit_generic_engine);
  CHECK(run_bench(bounded_run("influxdb=http://127.0.0.1:" + std::to_string(free_port()) + "/x",
                              dir.file("t.json"))) == exit_generic_engine);
}
#endif
