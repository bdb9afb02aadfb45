#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "shop_fixture.hpp"

using namespace actorshop;
using test::collector;

TEST_CASE(
    "1,500 concurrent issuances of a 1,000-copy coupon issue exactly 1,000, once per customer",
    "[actors][coupon]") {
  test::seeded_db db;
  actors::shop shop{db.options()};

  // 1,200 distinct customers plus 300 repeats: exactly 1,000 can win.
  std::vector<domain::id_t> customers(2000);
  std::iota(customers.begin(), customers.end(), 1001);
  std::mt19937 rng{42};
  std::shuffle(customers.begin(), customers.end(), rng);
  customers.resize(1200);
  for (int i = 0; i < 300; ++i)
    customers.push_back(customers[rng() % 1200]);
  std::shuffle(customers.begin(), customers.end(), rng);

  collector<domain::issued_coupon> answers;
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t)
    clients.emplace_back([&, t] {
      for (std::size_t i = t; i < customers.size(); i += 3)
        shop.issue_coupon(4001, customers[i], answers.callback());
    });
  for (auto& c : clients)
    c.join();
  auto results = answers.wait(customers.size());
  REQUIRE(results.size() == customers.size());

  std::set<domain::id_t> winners;
  int ok = 0, other = 0;
  for (const auto& r : results) {
    if (r) {
      ++ok;
      CHECK(winners.insert(r->customer_id).second);
    } else if (r.error() != domain::errc::coupon_already_issued &&
               r.error() != domain::errc::coupon_insufficient) {
      ++other;
    }
  }
  CHECK(ok == 1000);
  CHECK(other == 0);
  CHECK(db.query("SELECT COUNT(*) FROM customer_coupon WHERE coupon_id = 4001") == 1000);
  CHECK(db.query("SELECT current_quantity FROM coupon WHERE id = 4001") == 0);
  auto mem = shop.coupon_in_memory(4001);
  REQUIRE(mem);
  CHECK(mem->coupon.current_quantity == 0);
  CHECK(mem->holders == 1000);
}

TEST_CASE("a coupon issue is refused for an unknown customer or coupon without side effects",
          "[actors][coupon]") {
  test::seeded_db db;
  actors::shop shop{db.options()};
  auto r1 = test::call<domain::issued_coupon>([&](auto cb) { shop.issue_coupon(4001, 99, cb); });
  CHECK(r1.error() == domain::errc::customer_not_found);
  auto r2 = test::call<domain::issued_coupon>([&](auto cb) { shop.issue_coupon(9, 1001, cb); });
  CHECK(r2.error() == domain::errc::coupon_not_found);
  CHECK(db.query("SELECT current_quantity FROM coupon WHERE id = 4001") == 1000);
}

TEST_CASE("a failed issuance unit rolls the coupon back in memory", "[actors][coupon]") {
  test::seeded_db db;
  actors::shop shop{db.options()};
  shop.writer_for_tests().inject_failure("issue_coupon", 1);
  auto r1 = test::call<domain::issued_coupon>([&](auto cb) { shop.issue_coupon(4001, 1001, cb); });
  CHECK(r1.error() == domain::errc::storage_failure);
  CHECK(shop.coupon_in_memory(4001)->coupon.current_quantity == 1000);
  auto r2 = test::call<domain::issued_coupon>([&](auto cb) { shop.issue_coupon(4001, 1001, cb); });
  CHECK(r2.has_value());
  CHECK(db.query("SELECT current_quantity FROM coupon WHERE id = 4001") == 999);
}

TEST_CASE("an admin-created coupon can be issued at once", "[actors][coupon]") {
  test::seeded_db db;
  actors::shop shop{db.options()};
  domain::coupon_spec spec{"big", domain::discount_type::rate, 10,
                           5,     domain::now_ms() - 1000,     domain::now_ms() + 3'600'000};
  auto c = test::call<domain::coupon>([&](auto cb) { shop.create_coupon(spec, cb); });
  REQUIRE(c.has_value());
  auto r = test::call<domain::issued_coupon>([&](auto cb) { shop.issue_coupon(c->id, 1001, cb); });
  CHECK(r.has_value());
  CHECK(db.query("SELECT current_quantity FROM coupon WHERE id = " + std::to_string(c->id)) == 4);
}
