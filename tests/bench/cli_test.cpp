// k6's command line on actorshop-bench: the execution shortcuts (-u -d -i -s), the -c options
// file under the flags, --tag/-e, --no-thresholds and k6's exit codes (104 invalid config,
// 105 aborted by a signal). Runs are in-process against the actors, a few iterations long.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <thread>

#include <simdjson.h>

#include "bench/harness/cli.hpp"
#include "bench/harness/http_client.hpp"
#include "support/wait.hpp"
#include "tests/bench/tool_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

app_config flags(std::int64_t vus, const std::string& duration, std::int64_t iterations,
                 std::vector<std::string> stages = {}) {
  app_config c;
  c.vus = vus;
  c.duration = duration;
  c.iterations = iterations;
  c.stages = std::move(stages);
  return c;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

/// Counts the lines of `path` (0 when it does not exist yet).
std::size_t lines_of(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    ++n;
  return n;
}

} // namespace

TEST_CASE("k6 flags: -u with -d is a constant-vus run, with -i shared iterations", "[bench][cli]") {
  const auto constant = build_profile(flags(50, "30s", -1));
  CHECK(constant.executor == executor_kind::constant_vus);
  CHECK(constant.start_vus == 50);
  REQUIRE(constant.stages.size() == 1);
  CHECK(constant.stages[0].target == 50);
  CHECK(constant.stages[0].duration.count() == Approx(30));
  const auto shared = build_profile(flags(50, "", 1000));
  CHECK(shared.executor == executor_kind::shared_iterations);
  CHECK(shared.shared_iterations == 1000);
  CHECK(shared.stages[0].duration.count() == Approx(600)); // k6's default maxDuration
  CHECK(shared.planned_vus_max() == 50);
  CHECK(build_profile(flags(-1, "", 5)).start_vus == 1); // -i alone: one VU
}

TEST_CASE("k6 flags: -s takes comma-separated stages and -u becomes their startVUs",
          "[bench][cli]") {
  const auto p = build_profile(flags(7, "", -1, {"10s:100,20s:0", "5s:3"}));
  CHECK(p.executor == executor_kind::ramping_vus);
  CHECK(p.start_vus == 7);
  REQUIRE(p.stages.size() == 3);
  CHECK(p.stages[1].duration.count() == Approx(20));
  CHECK(p.stages[2].target == 3);
  // -u alone keeps the profile's stages and starts them from its VUs, as k6 does.
  const auto peak = build_profile(flags(20, "", -1));
  CHECK(peak.start_vus == 20);
  CHECK(peak.stages.size() == 5);
}

TEST_CASE("k6's conflicting shortcuts are invalid configurations", "[bench][cli]") {
  CHECK_THROWS_AS(build_profile(flags(-1, "10s", -1, {"5s:3"})), std::invalid_argument);
  CHECK_THROWS_AS(build_profile(flags(-1, "", 10, {"5s:3"})), std::invalid_argument);
  CHECK_THROWS_WITH(build_profile(flags(5, "", 3)), Catch::Contains("can't be less"));
  CHECK_THROWS_AS(build_profile(flags(0, "10s", -1)), std::invalid_argument);
  CHECK_THROWS_AS(parse_pairs({"novalue"}, "--tag"), std::invalid_argument);
}

TEST_CASE("a vus-only layer with no stages anywhere runs one iteration per VU", "[bench][cli]") {
  profile p = builtin_profile("coupon-peak");
  p.stages.clear();
  p.k6.vus = 4;
  derive_execution(p);
  CHECK(p.executor == executor_kind::per_vu_iterations);
  CHECK(p.iterations_per_vu == 1);
  CHECK(p.planned_vus_max() == 4);
}

TEST_CASE("k6 flags: -c options sit over the profile and under the flags", "[bench][cli]") {
  temp_dir dir;
  write(dir.file("k6.json"),
        R"js({"stages": [{"duration": "2s", "target": 9}], "vus": 3,
            "thresholds": {"http_reqs": ["count>0"]}, "summaryTrendStats": ["avg", "p(99)"],
            "summaryTimeUnit": "ms", "tags": {"team": "shop"}})js");
  app_config c;
  c.config_file = dir.file("k6.json");
  auto p = build_profile(c);
  CHECK(p.executor == executor_kind::ramping_vus);
  CHECK(p.start_vus == 3);
  REQUIRE(p.stages.size() == 1);
  CHECK(p.stages[0].target == 9);
  CHECK(p.thresholds.at("http_reqs") == std::vector<std::string>{"count>0"});
  CHECK(p.thresholds.count("checks") == 0); // the file's thresholds replace the profile's
  auto so = build_summary_options(c, p);
  CHECK(so.trend_stats == std::vector<std::string>{"avg", "p(99)"});
  CHECK(so.time_unit == "ms");
  CHECK(so.tags["team"] == "shop");
  // A flag shortcut drops the file's stages; the file's vus still counts.
  c.duration = "4s";
  c.trend_stats = "max";
  p = build_profile(c);
  CHECK(p.executor == executor_kind::constant_vus);
  CHECK(p.start_vus == 3);
  CHECK(build_summary_options(c, p).trend_stats == std::vector<std::string>{"max"});
}

TEST_CASE("bad flags and options exit with k6's InvalidConfig before any load",
          "[bench][cli][e2e]") {
  const std::string none = "http://127.0.0.1:1";
  CHECK(run_bench({"--target", none, "--vus", "many", "--quiet"}) == exit_invalid_config);
  CHECK(run_bench({"--target", none, "--no-such-flag", "--quiet"}) == exit_invalid_config);
  CHECK(run_bench({"--target", none, "-s", "5s:3", "-d", "5s", "--quiet"}) == exit_invalid_config);
  CHECK(run_bench({"--target", none, "--summary-trend-stats", "p95", "--quiet"}) ==
        exit_invalid_config);
  CHECK(run_bench({"--target", none, "-c", "/nonexistent/k6.json", "--quiet"}) ==
        exit_invalid_config);
  CHECK(run_bench({"--target", none, "--tag", "x", "--quiet"}) == exit_invalid_config);
  CHECK(run_bench({"--help"}) == 0);
}

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE(
    "k6 flags: -u 2 -i 7 runs exactly seven iterations, and --tag and -e reach the summary JSON",
    "[bench][cli][e2e]") {
  temp_dir dir;
  const int rc = run_bench({"--target", "actors", "-u", "2", "-i", "7", "--quiet", "--no-audit",
                            "--summary-json", dir.file("data.json"), "--tag", "team=shop", "-e",
                            "BASE_URL=http://x", "--threshold",
                            "http_req_duration{expected_response:true}:p(95)<60000"});
  CHECK(rc == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(dir.file("data.json")).get(doc) == simdjson::SUCCESS);
  CHECK(int64_t(doc["metrics"]["iterations"]["values"]["count"]) == 7);
  CHECK(int64_t(doc["metrics"]["vus_max"]["values"]["value"]) == 2);
  CHECK(std::string_view(doc["options"]["env"]["BASE_URL"]) == "http://x");
  CHECK(std::string_view(doc["options"]["tags"]["team"]) == "shop");
  CHECK(bool(doc["metrics"]["http_req_duration{expected_response:true}"]["thresholds"]
                ["p(95)<60000"]["ok"]));
}

TEST_CASE("k6 flags: --no-thresholds skips a threshold that would fail", "[bench][cli][e2e]") {
  const std::vector<std::string> run{
      "--target", "actors",  "-u",         "1",           "-i",
      "3",        "--quiet", "--no-audit", "--threshold", "http_req_failed:rate<0"};
  CHECK(run_bench(run) == exit_threshold_failed);
  auto skipped = run;
  skipped.push_back("--no-thresholds");
  CHECK(run_bench(skipped) == 0);
}

TEST_CASE("SIGTERM stops a run with k6's ExternalAbort and still writes the summary",
          "[bench][cli][e2e]") {
  temp_dir dir;
  int rc = -1;
  std::thread bench([&] {
    rc = run_bench({"--target", "actors", "-u", "2", "-d", "10m", "--quiet", "--no-audit", "--out",
                    "csv=" + dir.file("o.csv"), "--summary-export", dir.file("s.json")});
  });
  // The first second of samples in the CSV says the run (and its signal handler) is up.
  REQUIRE(actorshop::test::wait_for_state([&] { return lines_of(dir.file("o.csv")) >= 2; },
                                          std::chrono::seconds(30)));
  kill(getpid(), SIGTERM);
  bench.join();
  CHECK(rc == exit_external_abort);
  CHECK(lines_of(dir.file("s.json")) == 1);
}
#endif

TEST_CASE("the bench's --target takes one node, a cluster's comma-separated nodes, or the actors",
          "[bench][cli]") {
  const auto one = parse_http_targets("http://127.0.0.1:8081");
  REQUIRE(one.size() == 1);
  CHECK(one[0].url() == "http://127.0.0.1:8081");
  const auto three =
      parse_http_targets("http://127.0.0.1:8081,http://localhost:8082,http://10.0.0.3");
  REQUIRE(three.size() == 3);
  CHECK(three[0].port == 8081);
  CHECK(three[1].url() == "http://127.0.0.1:8082");
  CHECK(three[2].url() == "http://10.0.0.3:80");
  CHECK_THROWS_WITH(parse_http_targets("http://a:1,,http://b:2"),
                    Catch::Contains("has an empty item"));
  CHECK_THROWS_WITH(parse_http_targets("http://a:1,"), Catch::Contains("has an empty item"));
  CHECK_THROWS_WITH(parse_http_targets("http://127.0.0.1:1,http://localhost:1"),
                    Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(parse_http_targets("http://a:1,actors"), Catch::Contains("single in-process"));
  CHECK_THROWS_WITH(parse_http_targets("http://a:1,ftp://b:2"), Catch::Contains("must be http://"));
}

TEST_CASE("a cluster run without a database per node is refused before it starts", "[bench][cli]") {
  const auto targets = "http://127.0.0.1:1,http://127.0.0.1:2,http://127.0.0.1:3";
  CHECK(run_bench({"--target", targets, "-u", "3", "-i", "3", "--quiet"}) == exit_invalid_config);
  CHECK(run_bench({"--target", targets, "-u", "3", "-i", "3", "--quiet", "--db", "a.db,b.db"}) ==
        exit_invalid_config);
}
