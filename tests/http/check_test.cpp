// `actorshop check`: integrity_check and the invariant audit on a database the daemon wrote, clean
// and then corrupted by hand.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "storage/sqlite.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop;
using namespace actorshop::test;

namespace {

/// Serves `db` (seeded) for one coupon, two orders and a payment with the coupon, then stops.
void write_some_traffic(const std::string& dir, const std::string& db) {
  daemon_process d(seeded_args(dir, db));
  client c(d.port());
  REQUIRE(c.post("/coupons/issue", R"({"couponId":4001,"customerId":1001})").status == 201);
  const std::string order =
      R"({"customerId":1001,"items":[{"productId":5001,"productOptionId":6001,"quantity":2}]})";
  auto paid = c.post("/orders", order);
  REQUIRE(paid.status == 201);
  REQUIRE(c.post("/orders", order).status == 201); // stays open: its units stay reserved
  const auto id = std::to_string(json_int_field(paid.body, "orderId"));
  REQUIRE(c.post("/payments", R"({"orderId":)" + id + R"(,"couponId":4001})").status == 201);
  REQUIRE(d.terminate() == 0);
}

void corrupt(const std::string& db, const std::string& sql) {
  storage::connection c(db, SQLITE_OPEN_READWRITE);
  c.exec(sql);
}

} // namespace

TEST_CASE("check passes on a database the daemon wrote and names each broken invariant",
          "[check][e2e]") {
  temp_dir dir;
  const auto db = dir.file("shop.db");
  write_some_traffic(dir.path, db);

  auto clean = run_actorshop({"check", "--db", db});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.find("ok: integrity_check ok") != std::string::npos);

  corrupt(db, "UPDATE stock SET reserved = reserved + 1 WHERE product_option_id = 6002");
  auto stock = run_actorshop({"check", "--db", db});
  CHECK(stock.exit_code == 1);
  CHECK(stock.out == "stock_conserved: option 6002: reserved 1, units in open orders 0; sold 0, "
                     "units in paid orders 0\n");

  corrupt(db, "UPDATE orders SET status = 'CREATED' WHERE id = (SELECT order_id FROM payment)");
  auto paid = run_actorshop({"check", "--db", db});
  CHECK(paid.exit_code == 1);
  CHECK(paid.out.find("payment_order_is_paid: payment ") != std::string::npos);
  CHECK(paid.out.find("stock_conserved: option 6001") != std::string::npos);

  corrupt(db, "UPDATE balance SET amount = amount + 1 WHERE customer_id = 1001");
  CHECK(run_actorshop({"check", "--db", db}).out.find("balance_matches_history: customer 1001") !=
        std::string::npos);
}

TEST_CASE("check on a file that is not there fails with exit 1", "[check][e2e]") {
  temp_dir dir;
  auto r = run_actorshop({"check", "--db", dir.file("absent.db")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("check failed") != std::string::npos);
}
