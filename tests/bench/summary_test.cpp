#include <catch2/catch.hpp>

#include <simdjson.h>

#include "bench/harness/scenario.hpp"
#include "bench/harness/summary.hpp"

using namespace actorshop::bench;

namespace {

run_totals sample_run() {
  run_totals run;
  run.names = metrics_of(scenario_kind::coupon_peak);
  run.all.stages.resize(1);
  run.all.custom.resize(3, 3, 1);
  shard s(1, 3, 3, 1, false);
  for (int i = 1; i <= 100; ++i) {
    const int status = i <= 10 ? 201 : 409;
    s.record_request(endpoint::coupon_issue, status, static_cast<std::uint64_t>(i) * 1000, 0, 100,
                     50);
    s.record_iteration(static_cast<std::uint64_t>(i) * 1000);
    s.add_counter(status == 201 ? 0 : 1);
    s.add_check(0, true);
  }
  auto d = s.drain();
  run.all.merge(d);
  run.elapsed_s = 10;
  run.vus_last = 10;
  run.vus_min = 1;
  run.vus_max_seen = 1500;
  run.vus_max = 1500;
  return run;
}

} // namespace

TEST_CASE("thresholds see k6's aggregates: ms trends, rates of true, counters", "[bench]") {
  const auto run = sample_run();
  const auto metrics = collect_metrics(run);
  const auto v = evaluate(metrics, {parse_threshold("http_req_duration", "p(95)<500"),
                                    parse_threshold("http_req_duration", "max<=50"),
                                    parse_threshold("http_req_failed", "rate<0.5"),
                                    parse_threshold("checks", "rate>=0.99"),
                                    parse_threshold("coupon_201_count", "count==10"),
                                    parse_threshold("no_such_metric", "count==0")});
  REQUIRE(v.size() == 6);
  CHECK(v[0].ok);
  CHECK(v[0].observed == Approx(95.05).epsilon(0.01)); // k6: 95.05th sample of 1..100 ms
  CHECK_FALSE(v[1].ok);                                // max is 100 ms
  CHECK_FALSE(v[2].ok);                                // 90 x 409 are failed requests for k6
  CHECK(v[3].ok);
  CHECK(v[4].ok);
  CHECK_FALSE(v[5].ok); // a threshold on a metric the run lacks never passes
}

TEST_CASE("summary-export JSON has k6's shape and parses back", "[bench]") {
  const auto run = sample_run();
  const auto metrics = collect_metrics(run);
  const auto v = evaluate(metrics, {parse_threshold("http_req_duration", "p(95)<500"),
                                    parse_threshold("http_req_failed", "rate<0.5")});
  const std::string json = summary_export_json(run, metrics, v);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  auto m = doc["metrics"];
  CHECK(double(m["http_req_duration"]["p(95)"]) == Approx(95.05).epsilon(0.01));
  CHECK(double(m["http_req_duration"]["med"]) == Approx(50.5).epsilon(0.01));
  CHECK(double(m["http_req_duration"]["avg"]) == Approx(50.5).epsilon(0.01));
  CHECK(bool(m["http_req_duration"]["thresholds"]["p(95)<500"]) == false); // false: passed
  CHECK(bool(m["http_req_failed"]["thresholds"]["rate<0.5"]) == true);     // true: failed
  CHECK(int64_t(m["http_reqs"]["count"]) == 100);
  CHECK(double(m["http_reqs"]["rate"]) == Approx(10));
  CHECK(int64_t(m["http_req_failed"]["passes"]) == 90);
  CHECK(int64_t(m["http_req_failed"]["fails"]) == 10);
  CHECK(double(m["http_req_failed"]["value"]) == Approx(0.9));
  CHECK(int64_t(m["vus"]["max"]) == 1500);
  CHECK(int64_t(m["coupon_409_count"]["count"]) == 90);
  auto check = doc["root_group"]["checks"]["is 201 or 409"];
  CHECK(int64_t(check["passes"]) == 100);
  CHECK(int64_t(check["fails"]) == 0);
}

TEST_CASE("the text summary marks thresholds and lists stages and status codes", "[bench]") {
  const auto run = sample_run();
  const auto metrics = collect_metrics(run);
  const auto v = evaluate(metrics, {parse_threshold("http_req_failed", "rate<0.5")});
  auto prof = builtin_profile("coupon-peak");
  prof.stages.resize(1);
  const auto text = text_summary(run, prof, metrics, v);
  CHECK_THAT(text, Catch::Contains("✗ http_req_failed"));
  CHECK_THAT(text, Catch::Contains("✓ is 201 or 409"));
  CHECK_THAT(text, Catch::Contains("p(99)="));
  CHECK_THAT(text, Catch::Contains("per stage"));
  CHECK_THAT(text, Catch::Contains("409"));
}
