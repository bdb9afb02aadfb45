// The vus and vus_max gauges as k6 reports them: vus sampled on its own timer (1 s, scaled by
// --time-scale, so a time-scaled run is sampled as often as the real one), vus_max the plan's
// VUs from the first second on. Runs coupon-peak against the actors, time-scaled.
#include <catch2/catch.hpp>

#include <fstream>

#include <simdjson.h>

#include "tests/bench/tool_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

struct gauges {
  std::int64_t vus = 0, vus_min = 0, vus_max_seen = 0, vus_max = 0;
};

/// Runs coupon-peak (1 -> 1,500 -> 10 VUs) at `scale` and returns the summary's gauges; every
/// streamed vus_max sample (CSV, metric_value column) must already be the plan's 1,500.
gauges coupon_peak_gauges(const std::string& scale) {
  temp_dir dir;
  const int rc =
      run_bench({"--target", "actors", "--time-scale", scale, "--quiet", "--no-audit",
                 "--summary-json", dir.file("data.json"), "--out", "csv=" + dir.file("o.csv")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(dir.file("data.json")).get(doc) == simdjson::SUCCESS);
  auto vus = doc["metrics"]["vus"]["values"];
  gauges g{int64_t(vus["value"]), int64_t(vus["min"]), int64_t(vus["max"]),
           int64_t(doc["metrics"]["vus_max"]["values"]["value"])};
  std::ifstream csv(dir.file("o.csv"));
  std::size_t streamed = 0;
  for (std::string line; std::getline(csv, line);)
    if (line.rfind("vus_max,", 0) == 0) {
      const auto a = line.find(',', 8) + 1;
      CHECK(std::stod(line.substr(a, line.find(',', a) - a)) == 1500);
      ++streamed;
    }
  CHECK(streamed > 0);
  return g;
}

} // namespace

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE("a sub-second run samples vus on its scaled timer, not once", "[bench][e2e][gauge]") {
  const auto g = coupon_peak_gauges("0.08"); // 0.8 s: a sample every 80 ms
  CHECK(g.vus_min == 1);                     // the first sample: startVUs
  CHECK(g.vus_max_seen >= 10);               // a later sample saw the ramp
  CHECK(g.vus_max_seen <= 1500);
  CHECK(g.vus_max == 1500); // the plan, not the pool that had time to start
}

TEST_CASE("a 1,500-VU run reports vus up to the peak and vus_max as planned",
          "[bench][e2e][gauge]") {
  const auto g = coupon_peak_gauges("0.2"); // 2 s; the plan holds 1,500 VUs around t = 1.2 s
  CHECK(g.vus_min == 1);
  CHECK(g.vus_max_seen >= 1000); // samples at 1.0, 1.2 and 1.4 s plan 1,333-1,500 VUs
  CHECK(g.vus_max_seen <= 1500);
  CHECK(g.vus >= 10); // the last sample is still inside the stages (ramp-down ends at 10)
  CHECK(g.vus_max == 1500);
}
#endif
