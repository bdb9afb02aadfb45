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
  CHECK(m["http_req_duration"]["p(99)"].error() == simdjson::NO_SUCH_FIELD); // not a default stat
}

TEST_CASE("check and group ids are k6's: md5 hex of the path", "[bench]") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  // Python: hashlib.md5(b"::is 201 or 409").hexdigest()
  CHECK(md5_hex("::is 201 or 409") == "f959519a5e197cbd9121d37651051109");
  const auto run = sample_run();
  const std::string json = summary_export_json(run, collect_metrics(run), {});
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["root_group"]["checks"]["is 201 or 409"]["id"]) ==
        md5_hex("::is 201 or 409"));
  CHECK(std::string_view(doc["root_group"]["id"]) == md5_hex(""));
}

TEST_CASE("k6 flags: --summary-trend-stats picks the stats of the text summary and the export",
          "[bench]") {
  const auto run = sample_run();
  const auto metrics = collect_metrics(run);
  summary_options opts;
  opts.trend_stats = parse_trend_stats("avg, p(99),count");
  const std::string json = summary_export_json(run, metrics, {}, opts);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  auto d = doc["metrics"]["http_req_duration"];
  CHECK(double(d["p(99)"]) == Approx(99.01).epsilon(0.01));
  CHECK(int64_t(d["count"]) == 100);
  CHECK(d["med"].error() == simdjson::NO_SUCH_FIELD);
  auto prof = builtin_profile("coupon-peak");
  const auto text = text_summary(run, prof, metrics, {}, opts);
  CHECK_THAT(text, Catch::Matches("[\\s\\S]*http_req_duration\\.+: avg=50\\.50ms "
                                  "p\\(99\\)=9\\d\\.\\d\\dms count=100\n[\\s\\S]*"));
  CHECK_THAT(text_summary(run, prof, metrics, {}),
             Catch::Matches("[\\s\\S]*http_req_duration\\.+: avg=\\S+ min=\\S+ med=\\S+ max=\\S+ "
                            "p\\(90\\)=\\S+ p\\(95\\)=\\S+\n[\\s\\S]*"));
  CHECK_THROWS_WITH(parse_trend_stats("avg,p95"), Catch::Contains("p95"));
  CHECK_THROWS_AS(parse_trend_stats("p(101)"), std::invalid_argument);
}

TEST_CASE("k6 flags: --summary-time-unit prints every trend value in that unit", "[bench]") {
  const auto run = sample_run();
  const auto metrics = collect_metrics(run);
  summary_options opts;
  opts.time_unit = "s";
  const auto text = text_summary(run, builtin_profile("coupon-peak"), metrics, {}, opts);
  CHECK_THAT(text, Catch::Contains("avg=0.05s min=0.00s med=0.05s max=0.10s"));
  CHECK(format_ms(1.5, "us") == "1500.00µs");
  CHECK(format_ms(1.5, "ms") == "1.50ms");
}

TEST_CASE("handleSummary data has k6's metrics, root_group arrays, options and state", "[bench]") {
  const auto run = sample_run();
  const auto metrics = collect_metrics(run);
  const auto v = evaluate(metrics, {parse_threshold("http_req_duration", "p(95)<500"),
                                    parse_threshold("http_req_failed", "rate<0.5")});
  summary_options opts;
  opts.env["BASE"] = "x";
  const std::string json = summary_data_json(run, metrics, v, opts);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  auto d = doc["metrics"]["http_req_duration"];
  CHECK(std::string_view(d["type"]) == "trend");
  CHECK(std::string_view(d["contains"]) == "time");
  CHECK(double(d["values"]["p(95)"]) == Approx(95.05).epsilon(0.01));
  CHECK(bool(d["thresholds"]["p(95)<500"]["ok"]) == true); // here true means passed
  CHECK(bool(doc["metrics"]["http_req_failed"]["thresholds"]["rate<0.5"]["ok"]) == false);
  CHECK(double(doc["metrics"]["http_req_failed"]["values"]["rate"]) == Approx(0.9));
  CHECK(std::string_view(doc["metrics"]["data_sent"]["contains"]) == "data");
  CHECK(std::string_view(doc["metrics"]["vus"]["type"]) == "gauge");
  CHECK(std::string_view(doc["metrics"]["http_reqs"]["type"]) == "counter");
  simdjson::dom::array checks, groups;
  REQUIRE(doc["root_group"]["checks"].get(checks) == simdjson::SUCCESS);
  REQUIRE(doc["root_group"]["groups"].get(groups) == simdjson::SUCCESS);
  CHECK(groups.size() == 0);
  REQUIRE(checks.size() == 1);
  CHECK(std::string_view(checks.at(0)["path"]) == "::is 201 or 409");
  CHECK(std::string_view(checks.at(0)["id"]) == md5_hex("::is 201 or 409"));
  CHECK(doc["options"]["summaryTrendStats"].get_array().size() == 6);
  CHECK(std::string_view(doc["options"]["env"]["BASE"]) == "x");
  CHECK(double(doc["state"]["testRunDurationMs"]) == Approx(10000));
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
  CHECK_THAT(text, Catch::Contains("p(95)="));
  CHECK(text.find("p(99)=") == std::string::npos); // k6's default trend stats stop at p(95)
  CHECK_THAT(text, Catch::Contains("per stage"));
  CHECK_THAT(text, Catch::Contains("409"));
}
