#include <catch2/catch.hpp>

#include "bench/harness/threshold.hpp"

using namespace actorshop::bench;

TEST_CASE("k6 threshold expressions parse with every aggregate and operator", "[bench]") {
  auto t = parse_threshold("http_req_duration", "p(95)<500");
  CHECK(t.aggregate == "p(95)");
  CHECK(t.percentile == Approx(0.95));
  CHECK(t.op == compare_op::lt);
  CHECK(t.value == 500);
  CHECK(parse_threshold("x", "p(99.9) <= 1.5").percentile == Approx(0.999));
  CHECK(parse_threshold("checks", "rate>=0.99").op == compare_op::ge);
  CHECK(parse_threshold("x", "avg>1").op == compare_op::gt);
  CHECK(parse_threshold("x", "count==0").op == compare_op::eq);
  CHECK(parse_threshold("x", "max!=3").op == compare_op::ne);
  CHECK(parse_threshold("x", "med < 2").aggregate == "med");
  CHECK(parse_threshold("x", "min<2").aggregate == "min");
  const auto f = parse_threshold_flag("http_req_failed:rate<0.001");
  CHECK(f.metric == "http_req_failed");
  CHECK(f.value == Approx(0.001));
}

TEST_CASE("a threshold flag on a submetric keeps its {tag:value} selector", "[bench]") {
  const auto t = parse_threshold_flag("http_req_duration{expected_response:true}:p(95)<500");
  CHECK(t.metric == "http_req_duration{expected_response:true}");
  CHECK(t.aggregate == "p(95)");
  CHECK(t.value == 500);
  CHECK_THROWS_AS(parse_threshold_flag("http_req_duration{expected_response:true}"),
                  std::invalid_argument);
}

TEST_CASE("invalid threshold expressions are rejected with a reason", "[bench]") {
  CHECK_THROWS_WITH(parse_threshold("x", "p95<500"), Catch::Contains("unknown aggregation"));
  CHECK_THROWS_WITH(parse_threshold("x", "p(95)"), Catch::Contains("missing operator"));
  CHECK_THROWS_WITH(parse_threshold("x", "p(95)=<500"), Catch::Contains("unknown operator"));
  CHECK_THROWS_WITH(parse_threshold("x", "p(95)<fast"), Catch::Contains("not a number"));
  CHECK_THROWS_WITH(parse_threshold("x", "p(101)<5"), Catch::Contains("percentile"));
  CHECK_THROWS_WITH(parse_threshold("x", "p()<5"), Catch::Contains("percentile"));
  CHECK_THROWS_AS(parse_threshold_flag("p(95)<500"), std::invalid_argument);
}

TEST_CASE("thresholds evaluate as k6 compares", "[bench]") {
  CHECK(passes(parse_threshold("x", "p(95)<500"), 499.9));
  CHECK_FALSE(passes(parse_threshold("x", "p(95)<500"), 500));
  CHECK(passes(parse_threshold("x", "p(95)<=500"), 500));
  CHECK(passes(parse_threshold("x", "rate>=0.99"), 0.99));
  CHECK_FALSE(passes(parse_threshold("x", "rate>0.99"), 0.99));
  CHECK(passes(parse_threshold("x", "count==3"), 3));
  CHECK(passes(parse_threshold("x", "count!=3"), 4));
}

// Found by fuzzing (tests/fuzz/corpus/threshold/regress_nan_percentile.txt): std::stod reads "nan",
// which passed the 0..100 range check and became a NaN rank into the sorted samples.
TEST_CASE("a percentile of nan or inf is rejected", "[bench]") {
  CHECK_THROWS_AS(parse_threshold("x", "p(nan)<1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_threshold("x", "p(NaN)<1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_threshold("x", "p(inf)<1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_threshold_flag("x:p(-nan)<1"), std::invalid_argument);
  CHECK(parse_threshold("x", "p(100)<1").percentile == Approx(1.0));
}
