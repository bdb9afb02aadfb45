#include <catch2/catch.hpp>

#include "shop_fixture.hpp"

using namespace actorshop;
using test::collector;

namespace {

// Checks initial = available + reserved + sold for option 6001, in memory and in the database,
// and that memory equals the committed row once nothing is in flight.
void check_conserved(actors::shop& shop, const test::seeded_db& db, domain::quantity initial) {
  auto mem = shop.stock_in_memory(6001);
  REQUIRE(mem);
  CHECK(mem->available + mem->reserved + mem->sold == initial);
  const std::string where = " FROM stock WHERE product_option_id = 6001";
  CHECK(db.query("SELECT quantity + reserved + sold" + where) == initial);
  CHECK(db.query("SELECT quantity" + where) == mem->available);
  CHECK(db.query("SELECT reserved" + where) == mem->reserved);
  CHECK(db.query("SELECT sold" + where) == mem->sold);
}

} // namespace

TEST_CASE("concurrent orders on a small stock never oversell it", "[actors][order]") {
  test::seeded_db db;
  db.exec("UPDATE stock SET quantity = 50 WHERE product_option_id = 6001");
  actors::shop shop{db.options()};

  collector<domain::order> answers;
  const int n = 300;
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t)
    clients.emplace_back([&, t] {
      for (int i = t; i < n; i += 3)
        shop.create_order(1001 + i, {{5001, 6001, 1}, {5002, 6004, 1}}, answers.callback());
    });
  for (auto& c : clients)
    c.join();
  auto results = answers.wait(n);
  REQUIRE(results.size() == n);
  int ok = 0, insufficient = 0;
  std::vector<domain::id_t> orders;
  for (const auto& r : results) {
    if (r) {
      ++ok;
      orders.push_back(r->id);
    } else if (r.error() == domain::errc::stock_insufficient) {
      ++insufficient;
    }
  }
  CHECK(ok == 50);
  CHECK(insufficient == n - 50);
  // Option 6004 gave back every reservation of the refused orders.
  CHECK(shop.stock_in_memory(6004)->reserved == 50);

  // Pay ten of them: reserved units become sold.
  collector<domain::payment> paid;
  for (int i = 0; i < 10; ++i)
    shop.pay(orders[i], std::nullopt, paid.callback());
  auto p = paid.wait(10);
  REQUIRE(p.size() == 10);
  for (const auto& r : p)
    CHECK(r.has_value());
  shop.writer_for_tests().flush();
  check_conserved(shop, db, 50);
  CHECK(shop.stock_in_memory(6001)->sold == 10);
  CHECK(db.query("SELECT COUNT(*) FROM orders WHERE status = 'CREATED'") == 40);
}

TEST_CASE("an order with a bad line is refused before any reservation", "[actors][order]") {
  test::seeded_db db;
  actors::shop shop{db.options()};
  auto r = test::call<domain::order>([&](auto cb) {
    shop.create_order(1001, {{5001, 6004, 1}}, cb);
  });
  CHECK(r.error() == domain::errc::product_option_mismatch);
  auto r2 = test::call<domain::order>([&](auto cb) {
    shop.create_order(1, {{5001, 6001, 1}}, cb);
  });
  CHECK(r2.error() == domain::errc::customer_not_found);
  CHECK(shop.stock_in_memory(6004)->reserved == 0);
}

TEST_CASE("an unpaid order expires after its TTL and releases its reservation", "[actors][order]") {
  test::seeded_db db;
  auto opt = db.options();
  opt.order_ttl = std::chrono::milliseconds(200);
  auto clock = std::make_shared<domain::manual_clock>();
  actors::shop shop{opt, clock};
  auto o = test::call<domain::order>([&](auto cb) {
    shop.create_order(1001, {{5001, 6001, 3}}, cb);
  });
  REQUIRE(o.has_value());
  CHECK(db.query("SELECT reserved FROM stock WHERE product_option_id = 6001") == 3);
  clock->advance(200);
  const std::string status =
      "SELECT status = 'EXPIRED' FROM orders WHERE id = " + std::to_string(o->id);
  REQUIRE(test::wait_for_state([&] { return db.query(status) == 1; }));
  REQUIRE(test::wait_for_state([&] { return shop.stock_in_memory(6001)->reserved == 0; }));
  check_conserved(shop, db, 100'000);
  auto p = test::call<domain::payment>([&](auto cb) { shop.pay(o->id, std::nullopt, cb); });
  CHECK(p.error() == domain::errc::order_not_payable);
  auto p2 = test::call<domain::payment>([&](auto cb) { shop.pay(999'999, std::nullopt, cb); });
  CHECK(p2.error() == domain::errc::order_not_found);
}
