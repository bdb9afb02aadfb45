#include <catch2/catch.hpp>

#include "bench/harness/profile.hpp"
#include "bench/harness/scenario.hpp"

using namespace actorshop::bench;

namespace {
std::int64_t vus_at(const profile& p, double t) { return planned_vus(p, seconds_d{t}); }
} // namespace

TEST_CASE("coupon-peak ramps VUs linearly from 1 between the seed's stage targets", "[bench]") {
  const auto p = builtin_profile("coupon-peak");
  CHECK(vus_at(p, 0.0) == 1);
  CHECK(vus_at(p, 0.5) == 5); // 1 -> 10 over 1 s: 4 of 9 steps taken
  CHECK(vus_at(p, 1.0) == 10);
  CHECK(vus_at(p, 2.0) == 255); // 10 -> 500 over 2 s, half way
  CHECK(vus_at(p, 3.0) == 500);
  CHECK(vus_at(p, 4.5) == 1000); // 500 -> 1500 over 3 s, half way
  CHECK(vus_at(p, 6.0) == 1500);
  CHECK(vus_at(p, 7.5) == 1250); // ramp-down 1500 -> 1000 over 3 s
  CHECK(vus_at(p, 9.0) == 1000);
  CHECK(vus_at(p, 9.5) == 505);
  CHECK(vus_at(p, 10.0) == 10);
  CHECK(p.total_duration().count() == Approx(10.0));
  CHECK(p.max_target() == 1500);
}

TEST_CASE("order-payment holds the seed's five one-minute stages", "[bench]") {
  const auto p = builtin_profile("order-payment");
  CHECK(vus_at(p, 0) == 1);
  CHECK(vus_at(p, 30) == 5);
  CHECK(vus_at(p, 60) == 10);
  CHECK(vus_at(p, 90) == 30);
  CHECK(vus_at(p, 150) == 75);
  CHECK(vus_at(p, 180) == 100);
  CHECK(vus_at(p, 270) == 30);
  CHECK(p.total_duration().count() == Approx(300.0));
}

TEST_CASE("time-scale shrinks every stage but keeps the VU shape", "[bench]") {
  auto p = builtin_profile("order-payment");
  p.scale_time(0.05);
  CHECK(p.total_duration().count() == Approx(15.0));
  CHECK(vus_at(p, 1.5) == 5);
  CHECK(vus_at(p, 4.5) == 30);
  CHECK(p.stage_at(seconds_d{4.5}) == 1);
  CHECK(p.graceful_ramp_down.count() == Approx(30.0));
}

TEST_CASE("k6 durations and CLI stages parse, junk is rejected", "[bench]") {
  CHECK(parse_duration("30s").count() == Approx(30));
  CHECK(parse_duration("1m30s").count() == Approx(90));
  CHECK(parse_duration("500ms").count() == Approx(0.5));
  CHECK(parse_duration("2h").count() == Approx(7200));
  CHECK(parse_duration("1.5s").count() == Approx(1.5));
  CHECK_THROWS_AS(parse_duration("3 days"), std::invalid_argument);
  CHECK_THROWS_AS(parse_duration(""), std::invalid_argument);
  const auto s = parse_stage("30s:100");
  CHECK(s.duration.count() == Approx(30));
  CHECK(s.target == 100);
  CHECK_THROWS_AS(parse_stage("30s"), std::invalid_argument);
  CHECK_THROWS_AS(parse_stage("30s:x"), std::invalid_argument);
  CHECK(format_duration(seconds_d{90}) == "1m30s");
}

TEST_CASE("the shipped profile files equal the built-in seed profiles", "[bench]") {
  for (const char* name : {"coupon-peak", "order-payment"}) {
    const auto file =
        load_profile_file(std::string(ACTORSHOP_SOURCE_DIR) + "/config/profiles/" + name + ".json");
    const auto builtin = builtin_profile(name);
    CHECK(file.name == builtin.name);
    CHECK(file.scenario == builtin.scenario);
    REQUIRE(file.stages.size() == builtin.stages.size());
    for (std::size_t i = 0; i < file.stages.size(); ++i) {
      CHECK(file.stages[i].duration.count() == Approx(builtin.stages[i].duration.count()));
      CHECK(file.stages[i].target == builtin.stages[i].target);
    }
    CHECK(file.thresholds == builtin.thresholds);
  }
}

TEST_CASE("arrival-rate schedules as many iterations as the rate integral", "[bench]") {
  profile p;
  p.executor = executor_kind::ramping_arrival_rate;
  p.start_rate = 0;
  p.stages = {{seconds_d{2}, 100}, {seconds_d{2}, 100}};
  CHECK(planned_iterations(p, seconds_d{2}) == Approx(100));
  CHECK(planned_iterations(p, seconds_d{4}) == Approx(300));
  CHECK(iteration_due(p, 50) == Approx(std::sqrt(2.0)).epsilon(1e-6)); // 25 t^2 = 50
  CHECK(iteration_due(p, 200) == Approx(3.0));
  CHECK(iteration_due(p, 300) < 0);
}

TEST_CASE("order-payment picks customers and options as the seed script does", "[bench]") {
  CHECK(order_payment_customer(1, 0) == 1001);
  CHECK(order_payment_customer(2, 3) == 1104);
  CHECK(order_payment_customer(20, 100) == 1001); // (1900 + 100) % 2000
  CHECK(option_s_of(5001).option_id == 6001);
  CHECK(option_m_of(5001).option_id == 6002);
  CHECK(option_s_of(5020).option_id == 6058);
  CHECK(option_m_of(5020).option_id == 6059);
}

// Found by fuzzing (tests/fuzz/corpus/profile/regress_*.json): durations and VU counts that the
// schedule and the summary cannot handle must be refused when the profile is read.
TEST_CASE("profile durations must be finite, non-negative and at most a year", "[bench]") {
  CHECK_THROWS_AS(parse_duration("nan"), std::invalid_argument);
  CHECK_THROWS_AS(parse_duration("inf"), std::invalid_argument);
  CHECK_THROWS_AS(parse_duration("1e308h"), std::invalid_argument);
  CHECK_THROWS_AS(parse_duration("1m309223372036854775807s"), std::invalid_argument);
  CHECK(parse_duration("8760h").count() == Approx(max_duration_s));
  CHECK_THROWS_AS(parse_profile_json(R"({"stages":[{"duration":-5,"target":1}]})", "x"),
                  std::invalid_argument);
  CHECK_THROWS_AS(parse_profile_json(R"({"stages":[{"duration":"nan","target":1}]})", "x"),
                  std::invalid_argument);
  CHECK_THROWS_AS(parse_profile_json(R"({"duration":1e300})", "x"), std::invalid_argument);
  CHECK_THROWS_AS(parse_profile_json(R"({"gracefulStop":-1})", "x"), std::invalid_argument);
}

TEST_CASE("profile VU counts and rates must be between 0 and max_vus_or_rate", "[bench]") {
  CHECK_THROWS_AS(parse_profile_json(R"({"stages":[{"duration":"1s","target":-5}]})", "x"),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      parse_profile_json(R"({"startVUs":-9223372036854775807,)"
                         R"("stages":[{"duration":"1s","target":9223372036854775807}]})",
                         "x"),
      std::invalid_argument);
  CHECK_THROWS_AS(parse_profile_json(R"({"maxVUs":-1})", "x"), std::invalid_argument);
  CHECK_THROWS_AS(parse_stage("1s:10000001"), std::invalid_argument);
  auto p = parse_profile_json(R"({"stages":[{"duration":"1s","target":10000000}]})", "x");
  CHECK(vus_at(p, 0.5) == 5'000'000);
  p.k6.vus = max_vus_or_rate + 1;
  CHECK_THROWS_AS(derive_execution(p), std::invalid_argument);
}

TEST_CASE("a total above an int's minutes still formats", "[bench]") {
  CHECK(format_duration(seconds_d{60.0 * 3'000'000'000.0}) == "3000000000m");
}
