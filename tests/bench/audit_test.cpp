#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "bench/harness/audit.hpp"
#include "storage/sqlite.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::bench;

namespace {

/// A seeded database (tests/support) that a test can corrupt with plain SQL.
struct temp_db {
  test::temp_dir dir;
  std::string path = test::seeded_database(dir, "a.db");
  void exec(const std::string& sql) {
    storage::connection db(path, SQLITE_OPEN_READWRITE);
    db.exec(sql);
  }
};

/// Issues coupon 4001 to `n` customers the consistent way (row + quantity decrement).
void issue(temp_db& db, int n) {
  for (int i = 0; i < n; ++i)
    db.exec("INSERT INTO customer_coupon(customer_id, coupon_id, status, issued_at) VALUES (" +
            std::to_string(1001 + i) +
            ", 4001, 'AVAILABLE', '2026-11-27T00:00:00.000Z');"
            "UPDATE coupon SET current_quantity = current_quantity - 1 WHERE id = 4001;");
}

} // namespace

TEST_CASE("the audit passes when coupon 201s match the issued rows", "[bench]") {
  temp_db db;
  const auto before = db_snapshot(db.path);
  issue(db, 5);
  audit_input in;
  in.coupon_201 = 5;
  const auto r = audit_db(db.path, before, in);
  INFO(r.text);
  CHECK(r.ok);
}

TEST_CASE("the audit fails when the coupon count does not match customer_coupon rows", "[bench]") {
  temp_db db;
  const auto before = db_snapshot(db.path);
  issue(db, 5);
  // A row without its quantity decrement: the books no longer balance.
  db.exec("INSERT INTO customer_coupon(customer_id, coupon_id, status, issued_at) VALUES "
          "(2000, 4001, 'AVAILABLE', '2026-11-27T00:00:00.000Z')");
  audit_input in;
  in.coupon_201 = 5;
  const auto r = audit_db(db.path, before, in);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.text, Catch::Contains("FAIL coupon 4001: 201 responses 5 == newly issued 6"));
  CHECK_THAT(r.text, Catch::Contains("FAIL quantity - remaining"));
}

TEST_CASE("the audit fails when stock is not conserved or a paid order is not PAID", "[bench]") {
  temp_db db;
  const auto before = db_snapshot(db.path);
  db.exec("UPDATE stock SET quantity = quantity - 1, reserved = reserved + 1 WHERE id = 7001");
  db.exec("UPDATE stock SET quantity = quantity - 1 WHERE id = 7002"); // a unit vanished
  audit_input in;
  in.scenario = scenario_kind::order_payment;
  in.orders_201 = 1;
  in.paid_orders = {{424242, 1001}}; // no such order
  const auto r = audit_db(db.path, before, in);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.text, Catch::Contains("FAIL stock conserved"));
  CHECK_THAT(r.text, Catch::Contains("FAIL every 201 payment's order is PAID (0/1)"));
}
