// The CSV and JSON outputs in k6's shapes: the 19 CSV columns with check and extra_tags filled,
// k6's Metric lines (type, contains, thresholds, submetrics) and `checks` points tagged with
// their check. A five-iteration in-process run with every sample written.
#include <catch2/catch.hpp>

#include <fstream>

#include <simdjson.h>

#include "bench/harness/outputs.hpp"
#include "tests/bench/tool_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells{""};
  for (char c : line)
    if (c == ',')
      cells.emplace_back();
    else
      cells.back() += c;
  return cells;
}

} // namespace

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE("CSV and JSON outputs carry k6's columns, Metric lines, checks and --tag tags",
          "[bench][e2e][outputs]") {
  temp_dir dir;
  const int rc = run_bench(
      {"--target", "actors", "-u", "1", "-i", "5", "--quiet", "--no-audit", "--tag", "team=shop",
       "--threshold", "http_req_duration{expected_response:true}:p(95)<60000", "-o",
       "csv=" + dir.file("o.csv"), "-o", "json=" + dir.file("o.json"), "--out-samples"});
  CHECK(rc == 0);

  std::ifstream csv(dir.file("o.csv"));
  std::string line;
  std::getline(csv, line);
  CHECK(line == k6_csv_header);
  CHECK(split_csv(line).back() == "metadata");
  std::size_t checks = 0, rows = 0;
  while (std::getline(csv, line)) {
    const auto cells = split_csv(line);
    REQUIRE(cells.size() == 19);
    CHECK(cells[17] == "team=shop"); // extra_tags
    if (cells[0] == "checks") {
      CHECK(cells[3] == "is 201 or 409");
      ++checks;
    }
    ++rows;
  }
  CHECK(checks == 5); // one check per coupon iteration, every sample written
  CHECK(rows > checks);

  std::ifstream json(dir.file("o.json"));
  simdjson::dom::parser parser;
  std::size_t check_points = 0, metric_lines = 0;
  while (std::getline(json, line)) {
    simdjson::dom::element e;
    REQUIRE(parser.parse(line).get(e) == simdjson::SUCCESS);
    const std::string_view metric = e["metric"];
    if (std::string_view(e["type"]) == "Metric") {
      ++metric_lines;
      CHECK(std::string_view(e["data"]["name"]) == metric);
      if (metric == "http_req_duration") {
        CHECK(std::string_view(e["data"]["type"]) == "trend");
        CHECK(std::string_view(e["data"]["contains"]) == "time");
        CHECK(std::string_view(e["data"]["thresholds"].at(0)) == "p(95)<500"); // the profile's
        auto sub = e["data"]["submetrics"].at(0);
        CHECK(std::string_view(sub["name"]) == "http_req_duration{expected_response:true}");
        CHECK(std::string_view(sub["tags"]["expected_response"]) == "true");
      }
      if (metric == "checks") {
        CHECK(std::string_view(e["data"]["type"]) == "rate");
        CHECK(std::string_view(e["data"]["thresholds"].at(0)) == "rate>=0.99");
      }
      continue;
    }
    CHECK(std::string_view(e["data"]["tags"]["team"]) == "shop");
    if (metric == "checks") {
      CHECK(std::string_view(e["data"]["tags"]["check"]) == "is 201 or 409");
      ++check_points;
    }
  }
  CHECK(metric_lines == 16); // k6's built-in metrics: HTTP timings, data, checks, iterations, vus
  CHECK(check_points == 5);
}
#endif
