// k6's --system-tags: the set and its default, the InfluxDB line of a sample per tag set (vu and
// iter as integer fields, a tag left out of the set absent), the CSV and JSON outputs of a run
// without `status` and with vu/iter, and dropped_iterations as a 1 per dropped iteration in
// every output, as many as the summary counts.
#include <catch2/catch.hpp>

#include <fstream>

#include <simdjson.h>

#include "bench/harness/influx_lines.hpp"
#include "bench/harness/outputs.hpp"
#include "bench/harness/scenario.hpp"
#include "bench/harness/summary.hpp"
#include "bench/harness/system_tags.hpp"
#include "tests/bench/tool_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

/// The line `s` renders to with the system tags `tags`.
std::string influx_line(const raw_sample& s, const system_tag_set& tags) {
  influx_lines lines("http://127.0.0.1:8080", "default", metrics_of(scenario_kind::coupon_peak), {},
                     tags);
  std::string out;
  lines.append(s, out);
  return out.substr(0, out.find('\n') + 1); // the first point of the sample
}

raw_sample request_409() {
  raw_sample s{1'796'000'000'000'000'123, 3, 7, sample_kind::request, endpoint::coupon_issue, 409};
  return s;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

std::size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& l : lines)
    n += l.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

double summary_count(const std::string& path, const char* metric) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(path).get(doc) == simdjson::SUCCESS);
  double n = 0;
  return doc["metrics"][metric]["count"].get(n) == simdjson::SUCCESS ? n : 0.0;
}

} // namespace

TEST_CASE("the system tag set defaults to k6's, without vu, iter, ip and ocsp_status",
          "[bench][system_tags]") {
  const system_tag_set def;
  for (const char* on :
       {"proto", "subproto", "status", "method", "url", "name", "group", "check", "error",
        "error_code", "tls_version", "scenario", "service", "expected_response"}) {
    system_tag t;
    REQUIRE(system_tag_of(on, t));
    CHECK(def.has(t));
  }
  for (auto off : {system_tag::vu, system_tag::iter, system_tag::ip, system_tag::ocsp_status})
    CHECK_FALSE(def.has(off));
  CHECK(csv_header(def) == k6_csv_header);
}

TEST_CASE("a --system-tags list is exactly the tags it names; unknown names are ignored",
          "[bench][system_tags]") {
  std::vector<std::string> unknown;
  const auto set = parse_system_tags(" vu, iter,status,nope,", &unknown);
  CHECK(set.has(system_tag::vu));
  CHECK(set.has(system_tag::iter));
  CHECK(set.has(system_tag::status));
  CHECK_FALSE(set.has(system_tag::scenario));
  CHECK(unknown == std::vector<std::string>{"nope"});
  CHECK(set.indexed_names() == std::vector<std::string>{"status"}); // vu, iter: metadata
  CHECK(parse_system_tags("") == system_tag_set::none());
  CHECK(csv_header(set) == "metric_name,timestamp,metric_value,status,extra_tags,metadata");
}

TEST_CASE("by default an InfluxDB point has k6's tags, url as a field and no vu or iter",
          "[bench][system_tags]") {
  CHECK(influx_line(request_409(), {}) ==
        "http_reqs,error_code=1409,expected_response=false,method=POST,"
        "name=http://127.0.0.1:8080/coupons/issue,proto=HTTP/1.1,scenario=default,status=409 "
        "value=1,url=\"http://127.0.0.1:8080/coupons/issue\" 1796000000000000123\n");
}

TEST_CASE("with vu and iter in the system tags an InfluxDB point has them as integer fields",
          "[bench][system_tags]") {
  const auto set = parse_system_tags("status,url,vu,iter,ip");
  CHECK(influx_line(request_409(), set) ==
        "http_reqs,ip=127.0.0.1,status=409 value=1,url=\"http://127.0.0.1:8080/coupons/issue\","
        "vu=3i,iter=7i 1796000000000000123\n");
  // A check of VU 3 likewise; without `check` and `scenario` in the set it has no tags at all.
  raw_sample check{5, 3, 7, sample_kind::check, endpoint::coupon_issue, 0, true};
  CHECK(influx_line(check, parse_system_tags("vu,iter")) == "checks value=1,vu=3i,iter=7i 5\n");
}

TEST_CASE("a tag left out of the system tags is not on any InfluxDB point",
          "[bench][system_tags]") {
  auto set = system_tag_set{};
  set.remove(system_tag::status);
  set.remove(system_tag::url);
  const auto line = influx_line(request_409(), set);
  CHECK_THAT(line, !Catch::Contains("status="));
  CHECK_THAT(line, !Catch::Contains("url="));
  CHECK_THAT(line, Catch::Contains("method=POST"));
}

TEST_CASE("a dropped iteration is one dropped_iterations point of 1 with the scenario only",
          "[bench][system_tags]") {
  raw_sample dropped{9, 0, 0, sample_kind::dropped};
  CHECK(influx_line(dropped, parse_system_tags("scenario,vu,iter")) ==
        "dropped_iterations,scenario=default value=1 9\n");
  CHECK(influx_line(dropped, parse_system_tags("vu")) == "dropped_iterations value=1 9\n");
}

TEST_CASE("without expected_response the summary has no http_req_duration{expected_response:true}",
          "[bench][system_tags]") {
  run_totals run;
  const auto has_submetric = [](const std::vector<metric_view>& ms) {
    for (const auto& m : ms)
      if (m.name == "http_req_duration{expected_response:true}")
        return true;
    return false;
  };
  CHECK(has_submetric(collect_metrics(run)));
  CHECK_FALSE(has_submetric(collect_metrics(run, false)));
}

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE("CSV and JSON drop a tag left out of --system-tags and carry vu and iter when named",
          "[bench][e2e][system_tags]") {
  temp_dir dir;
  const int rc = run_bench({"--target", "actors", "-u", "1", "-i", "3", "--quiet", "--no-audit",
                            "--system-tags", "method,name,scenario,check,vu,iter", "-o",
                            "csv=" + dir.file("o.csv"), "-o", "json=" + dir.file("o.json")});
  CHECK(rc == 0);
  const auto csv = lines_of(dir.file("o.csv"));
  REQUIRE(!csv.empty());
  CHECK(csv[0] == "metric_name,timestamp,metric_value,check,method,name,scenario,extra_tags,"
                  "metadata");
  std::size_t requests = 0;
  for (const auto& l : csv)
    if (l.rfind("http_reqs,", 0) == 0) {
      ++requests;
      CHECK_THAT(l, Catch::EndsWith(",POST,actors://shop/coupons/issue,default,,iter=" +
                                    std::to_string(requests - 1) + "&vu=1"));
    }
  CHECK(requests == 3);

  simdjson::dom::parser parser;
  std::size_t points = 0;
  for (const auto& l : lines_of(dir.file("o.json"))) {
    simdjson::dom::element doc;
    REQUIRE(parser.parse(l).get(doc) == simdjson::SUCCESS);
    if (std::string_view(doc["metric"]) != "http_reqs" || std::string_view(doc["type"]) != "Point")
      continue;
    ++points;
    simdjson::dom::object tags;
    REQUIRE(doc["data"]["tags"].get(tags) == simdjson::SUCCESS);
    CHECK(tags["status"].error() == simdjson::NO_SUCH_FIELD); // left out of the set
    CHECK(tags["vu"].error() == simdjson::NO_SUCH_FIELD);     // metadata, not a tag
    CHECK(std::string_view(doc["data"]["metadata"]["vu"]) == "1");
  }
  CHECK(points == 3);
}

TEST_CASE("dropped_iterations is a 1 per dropped iteration in CSV and JSON, as many as the summary",
          "[bench][e2e][system_tags]") {
  // One VU for iterations due a microsecond apart: it cannot start one per microsecond, so the
  // executor drops iterations whatever the machine's speed; how many does not matter here.
  temp_dir dir;
  const int rc = run_bench({"--target", "actors", "--executor", "ramping-arrival-rate", "--stage",
                            "100ms:1000000", "--pre-allocated-vus", "1", "--max-vus", "1",
                            "--quiet", "--no-audit", "-o", "csv=" + dir.file("o.csv"), "-o",
                            "json=" + dir.file("o.json"), "--summary-export", dir.file("s.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  const double dropped = summary_count(dir.file("s.json"), "dropped_iterations");
  REQUIRE(dropped > 0);
  const auto csv = lines_of(dir.file("o.csv"));
  CHECK(double(count_prefix(csv, "dropped_iterations,")) == dropped);
  for (const auto& l : csv)
    if (l.rfind("dropped_iterations,", 0) == 0)
      REQUIRE_THAT(l, Catch::Contains(",1.000000,"));
  const auto json = lines_of(dir.file("o.json"));
  CHECK(double(count_prefix(json, R"({"type":"Point","metric":"dropped_iterations","data")")) ==
        dropped);
  CHECK(count_prefix(json, R"({"type":"Metric","data":{"name":"dropped_iterations")") == 1);
}
#endif
