// Upgrades: a database written by every earlier schema version opens, migrates in place and keeps
// every invariant; one from a newer build is refused. The earlier databases are SQL dumps under
// tests/storage/fixtures/ (the repository never holds a binary database), made by the hidden
// [.fixtures] case below with that version's migrations and write statements (regenerate.sh).
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "domain/time.hpp"
#include "storage/audit.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop::storage;

namespace {

connection open_rw(const std::string& path) {
  return connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A balance change as versions 1 and 2 wrote it (history found through its index), or as
/// version 3 does (a linked list headed by balance.last_history_id).
std::string history_sql(int version, int customer, const char* type, long amount, long delta) {
  const auto c = std::to_string(customer), a = std::to_string(amount), d = std::to_string(delta);
  if (version < 3)
    return "INSERT INTO balance_history (customer_id, change_type, change_amount, total_amount, "
           "created_at) SELECT customer_id, '" +
           std::string(type) + "', " + a + ", amount + " + d +
           ", '2026-11-01T10:00:00' FROM balance WHERE customer_id = " + c +
           ";\nUPDATE balance SET amount = amount + " + d + " WHERE customer_id = " + c + ";\n";
  return "INSERT INTO balance_history (customer_id, change_type, change_amount, total_amount, "
         "created_at, prev_id) SELECT customer_id, '" +
         std::string(type) + "', " + a + ", amount + " + d +
         ", '2026-11-01T10:00:00', last_history_id FROM balance "
         "WHERE customer_id = " +
         c + ";\nUPDATE balance SET amount = amount + " + d +
         ", last_history_id = last_insert_rowid() WHERE customer_id = " + c + ";\n";
}

// Three orders: one paid with the seed coupon, one left open (reserved), one expired.
constexpr const char* orders_sql = R"sql(
UPDATE coupon SET current_quantity = current_quantity - 1 WHERE id = 4001;
INSERT INTO customer_coupon VALUES (1001, 4001, 'AVAILABLE', '2026-11-01T10:00:01', NULL);
INSERT INTO orders (id, customer_id, status, total_price, created_at, expires_at) VALUES
  (1, 1001, 'CREATED', 20000, '2026-11-01T10:00:02', '2026-11-01T10:15:02'),
  (2, 1002, 'CREATED', 15000, '2026-11-01T10:00:03', '2026-11-01T10:15:03'),
  (3, 1003, 'CREATED', 11000, '2026-11-01T10:00:04', '2026-11-01T10:15:04');
INSERT INTO order_item VALUES (1, 5001, 6001, '티셔츠', 'S', 2, 10000, 20000),
  (2, 5002, 6004, '후드티', 'S', 1, 15000, 15000), (3, 5001, 6002, '티셔츠', 'M', 1, 11000, 11000);
UPDATE stock SET quantity = quantity - 2, reserved = reserved + 2 WHERE product_option_id = 6001;
UPDATE stock SET quantity = quantity - 1, reserved = reserved + 1 WHERE product_option_id = 6004;
UPDATE stock SET quantity = quantity - 1, reserved = reserved + 1 WHERE product_option_id = 6002;
UPDATE orders SET status = 'PAID', paid_at = '2026-11-01T10:00:05' WHERE id = 1;
INSERT INTO payment VALUES (1, 1, 1001, 4001, 20000, 1000, 19000, '2026-11-01T10:00:05');
UPDATE stock SET reserved = reserved - 2, sold = sold + 2 WHERE product_option_id = 6001;
INSERT INTO product_sales_daily VALUES (5001, '2026-11-01', 2);
UPDATE customer_coupon SET status = 'USED', used_at = '2026-11-01T10:00:05'
  WHERE customer_id = 1001 AND coupon_id = 4001;
INSERT INTO outbox (id, event_type, aggregate_id, payload, created_at) VALUES (1,
  'PaymentCompleted', 1, '{"paymentId":1,"orderId":1,"customerId":1001,"discountedPrice":19000}',
  '2026-11-01T10:00:05');
UPDATE orders SET status = 'EXPIRED' WHERE id = 3;
UPDATE stock SET quantity = quantity + 1, reserved = reserved - 1 WHERE product_option_id = 6002;
)sql";

void write_version(const std::string& path, int version) {
  auto db = open_rw(path);
  REQUIRE(migrate(db, version) == version);
  seed(db, actorshop::domain::now_ms());
  // Ten customers are enough and keep the dump small.
  db.exec("DELETE FROM customer WHERE id > 1010; DELETE FROM balance WHERE customer_id > 1010");
  db.exec("BEGIN");
  db.exec(history_sql(version, 1001, "CHARGE", 5000, 5000));
  db.exec(history_sql(version, 1002, "CHARGE", 7000, 7000));
  db.exec(orders_sql);
  db.exec(history_sql(version, 1001, "USE", 19000, -19000));
  db.exec("COMMIT");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

std::string fixture(int version) {
  return std::string(FIXTURES_DIR) + "/schema_v" + std::to_string(version) + ".sql";
}

} // namespace

TEST_CASE("fixtures: write a small database at every earlier schema version", "[.fixtures]") {
  const char* out = std::getenv("ACTORSHOP_FIXTURE_OUT");
  REQUIRE(out != nullptr);
  for (int v = 1; v < latest_schema_version(); ++v)
    write_version(std::string(out) + "/v" + std::to_string(v) + ".db", v);
}

TEST_CASE("a database of every earlier schema version migrates in place and passes the check",
          "[storage][upgrade]") {
  for (int v = 1; v < latest_schema_version(); ++v) {
    INFO("schema version " << v);
    actorshop::test::temp_dir dir;
    auto db = open_rw(dir.file("old.db"));
    db.exec(read_text(fixture(v)));
    REQUIRE(db.query_int64("PRAGMA user_version") == v);
    CHECK(migrate(db) == latest_schema_version());
    CHECK(integrity_problems(db).empty());
    const auto violations = audit_invariants(db);
    for (const auto& x : violations)
      UNSCOPED_INFO(x.invariant << ": " << x.detail);
    CHECK(violations.empty());
    CHECK(db.query_int64("SELECT COUNT(*) FROM orders") == 3);
    CHECK(db.query_int64("SELECT amount FROM balance WHERE customer_id = 1001") == 49'986'000);
    CHECK(db.query_int64("SELECT COUNT(*) FROM balance_history WHERE prev_id IS NOT NULL") == 1);
  }
}

TEST_CASE("the audit names a broken invariant in a migrated database", "[storage][upgrade]") {
  actorshop::test::temp_dir dir;
  auto db = open_rw(dir.file("old.db"));
  db.exec(read_text(fixture(1)));
  migrate(db);
  db.exec("UPDATE coupon SET current_quantity = 1000 WHERE id = 4001");
  const auto violations = audit_invariants(db);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "coupon_holders_match_quantity");
}
