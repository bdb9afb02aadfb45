#include <catch2/catch.hpp>

#include "shop_fixture.hpp"

using namespace actorshop;

TEST_CASE("touching 10,000 of 1,000,000 customers keeps live customer actors bounded",
          "[actors][passivation]") {
  test::seeded_db db;
  {
    storage::connection c{db.path, SQLITE_OPEN_READWRITE};
    storage::seed_customers(c, 3001, 1'000'000 - 2000);
  }
  auto opt = db.options();
  opt.passivate_after = std::chrono::seconds(1);
  auto clock = std::make_shared<domain::manual_clock>();
  actors::shop shop{opt, clock};
  const int n = 10'000;
  test::collector<domain::balance_view> answers;
  for (int i = 0; i < n; ++i)
    shop.charge(1001 + static_cast<domain::id_t>(i) * 97, 1, answers.callback());
  auto results = answers.wait(n, std::chrono::seconds(40));
  REQUIRE(results.size() == n);
  for (const auto& r : results)
    REQUIRE(r.has_value());
  CHECK(shop.stats().live_customer_actors <= static_cast<std::uint64_t>(n));
  // Idle for passivate_after: every actor retires; a later charge re-activates from the row.
  clock->advance(1000);
  CHECK(test::wait_for_state([&] { return shop.stats().live_customer_actors == 0; },
                             std::chrono::seconds(15)));
  auto again = test::call<domain::balance_view>([&](auto cb) { shop.charge(1001, 1, cb); });
  REQUIRE(again.has_value());
  CHECK(again->amount == storage::seed_balance + 2);
  CHECK(shop.stats().live_customer_actors == 1);
}
