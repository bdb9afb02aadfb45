#include <catch2/catch.hpp>

#include "shop_fixture.hpp"

using namespace actorshop;
using test::collector;

namespace {

domain::order make_order(actors::shop& shop, domain::id_t customer) {
  auto o = test::call<domain::order>(
      [&](auto cb) { shop.create_order(customer, test::two_lines(5001, 5002), cb); });
  REQUIRE(o.has_value());
  return *o;
}

std::string balance_of(domain::id_t c) {
  return "SELECT amount FROM balance WHERE customer_id = " + std::to_string(c);
}

} // namespace

TEST_CASE("50 concurrent payments of one order succeed exactly once", "[actors][payment]") {
  test::seeded_db db;
  actors::shop shop{db.options()};
  auto o = make_order(shop, 1001);
  collector<domain::payment> answers;
  std::vector<std::thread> clients;
  for (int t = 0; t < 5; ++t)
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        shop.pay(o.id, std::nullopt, answers.callback());
    });
  for (auto& c : clients)
    c.join();
  auto results = answers.wait(50);
  REQUIRE(results.size() == 50);
  int ok = 0, not_payable = 0;
  for (const auto& r : results)
    r ? ++ok : (r.error() == domain::errc::order_not_payable ? ++not_payable : 0);
  CHECK(ok == 1);
  CHECK(not_payable == 49);
  CHECK(db.query(balance_of(1001)) == storage::seed_balance - o.total_price);
  CHECK(db.query("SELECT COUNT(*) FROM balance_history WHERE customer_id = 1001") == 1);
  // No sink configured: no event row (a sink configured later sees the events from then on).
  CHECK(db.query("SELECT COUNT(*) FROM outbox") == 0);
  CHECK(shop.stats().events_pending == 0);
}

TEST_CASE("a payment above the balance is refused and changes nothing", "[actors][payment]") {
  test::seeded_db db;
  db.exec("UPDATE balance SET amount = 10 WHERE customer_id = 1005");
  actors::shop shop{db.options()};
  auto o = make_order(shop, 1005);
  auto p = test::call<domain::payment>([&](auto cb) { shop.pay(o.id, std::nullopt, cb); });
  CHECK(p.error() == domain::errc::balance_insufficient);
  CHECK(db.query(balance_of(1005)) == 10);
  CHECK(db.query("SELECT status = 'CREATED' FROM orders WHERE id = " + std::to_string(o.id)) == 1);
  CHECK(shop.stock_in_memory(6001)->reserved == 1);
  // Charged, the customer may pay the same order.
  auto c = test::call<domain::balance_view>([&](auto cb) { shop.charge(1005, 1'000'000, cb); });
  REQUIRE(c.has_value());
  CHECK(c->amount == 1'000'010);
  auto p2 = test::call<domain::payment>([&](auto cb) { shop.pay(o.id, std::nullopt, cb); });
  CHECK(p2.has_value());
}

TEST_CASE("a payment whose unit fails leaves balance, coupon and stock as before; a retry succeeds",
          "[actors][payment]") {
  test::seeded_db db;
  actors::shop shop{db.options()};
  auto issued =
      test::call<domain::issued_coupon>([&](auto cb) { shop.issue_coupon(4001, 1002, cb); });
  REQUIRE(issued.has_value());
  auto o = make_order(shop, 1002);
  shop.writer_for_tests().inject_failure("payment", 1);
  auto p = test::call<domain::payment>([&](auto cb) { shop.pay(o.id, 4001, cb); });
  CHECK(p.error() == domain::errc::storage_failure);
  CHECK(db.query(balance_of(1002)) == storage::seed_balance);
  CHECK(db.query("SELECT status = 'AVAILABLE' FROM customer_coupon WHERE customer_id = 1002") == 1);
  CHECK(shop.stock_in_memory(6001)->reserved == 1);
  CHECK(shop.stock_in_memory(6001)->sold == 0);
  CHECK(db.query("SELECT COUNT(*) FROM payment") == 0);

  auto p2 = test::call<domain::payment>([&](auto cb) { shop.pay(o.id, 4001, cb); });
  REQUIRE(p2.has_value());
  CHECK(p2->discount_amount == 1000);
  CHECK(db.query(balance_of(1002)) == storage::seed_balance - o.total_price + 1000);
  CHECK(db.query("SELECT status = 'USED' FROM customer_coupon WHERE customer_id = 1002") == 1);
  CHECK(shop.stock_in_memory(6001)->sold == 1);
  // The coupon is spent now.
  auto o2 = make_order(shop, 1002);
  auto p3 = test::call<domain::payment>([&](auto cb) { shop.pay(o2.id, 4001, cb); });
  CHECK(p3.error() == domain::errc::coupon_already_used);
}

TEST_CASE("a payment with a coupon the customer does not hold is refused", "[actors][payment]") {
  test::seeded_db db;
  actors::shop shop{db.options()};
  auto o = make_order(shop, 1003);
  auto p = test::call<domain::payment>([&](auto cb) { shop.pay(o.id, 4001, cb); });
  CHECK(p.error() == domain::errc::customer_coupon_not_found);
  auto p2 = test::call<domain::payment>([&](auto cb) { shop.pay(o.id, std::nullopt, cb); });
  CHECK(p2.has_value());
}
