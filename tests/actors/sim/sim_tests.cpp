// The simulation's Catch cases: a CI run of many seeds (label unit, >= 100,000 steps), fixed seeds
// that must see each fault, and the long run ([.long], by hand or by a nightly job).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "sim_run.hpp"

namespace actorshop::sim {
namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

} // namespace

TEST_CASE("simulation: 52 seeds of 2,000 steps keep every invariant", "[sim]") {
  sim_db db;
  sim_totals totals;
  for (std::uint64_t seed = 1; seed <= 52; ++seed)
    totals.add(run_seed(db.path(), {seed, 2'000}));
  std::cout << totals.summary("sim [unit]") << std::endl;
  CHECK(totals.steps >= 100'000);
  // The seeds must really have met the faults they are meant to survive.
  CHECK(totals.report.crashes > 0);
  CHECK(totals.report.failed_commits > 0);
  CHECK(totals.report.failed_units > 0);
  CHECK(totals.report.slow_syncs > 0);
  CHECK(totals.report.concurrent_pays > 0);
  CHECK(totals.report.expired > 0);
  CHECK(totals.report.payments_acked > 0);
  CHECK(totals.report.issues_acked > 0);
}

TEST_CASE("simulation: a seed replays exactly", "[sim]") {
  sim_db db;
  auto a = run_seed(db.path(), {7, 3'000});
  auto b = run_seed(db.path(), {7, 3'000});
  CHECK(a.steps == b.steps);
  CHECK(a.messages == b.messages);
  CHECK(a.commits == b.commits);
  CHECK(a.crashes == b.crashes);
  CHECK(a.payments_acked == b.payments_acked);
  CHECK(a.orders_acked == b.orders_acked);
}

// By hand: ACTORSHOP_SIM_SECONDS (default 600) of seeds from ACTORSHOP_SIM_FIRST_SEED (1000).
TEST_CASE("simulation: long run", "[.long]") {
  const auto seconds = env_or("ACTORSHOP_SIM_SECONDS", 600);
  const auto steps = env_or("ACTORSHOP_SIM_STEPS", 5'000);
  sim_db db;
  sim_totals totals;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (auto seed = env_or("ACTORSHOP_SIM_FIRST_SEED", 1'000);
       std::chrono::steady_clock::now() < end; ++seed)
    totals.add(run_seed(db.path(), {seed, steps}));
  std::cout << totals.summary("sim [.long]") << std::endl;
  CHECK(totals.seeds > 0);
}

} // namespace actorshop::sim

namespace actorshop::sim {

// Regression: a payment took a coupon copy whose issuance then failed; the payment's failure
// restored the copy in the coupon actor's memory only (a holder the database never had). Seed 45
// of the CI run met it at step 274; fixed in actors/coupon.cpp (undo_issue).
TEST_CASE("simulation: a payment using a copy whose issuance fails restores nothing (seed 45)",
          "[sim]") {
  sim_db db;
  auto r = run_seed(db.path(), {45, 2'000});
  CHECK(r.steps >= 2'000);
}

} // namespace actorshop::sim
