// The schema migrates an empty file to the latest version, and re-opening changes nothing.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <array>
#include <memory>
#include <set>
#include <string>

#include "storage/balance_units.hpp"
#include "storage/coupon_units.hpp"
#include "storage/order_units.hpp"
#include "storage/outbox.hpp"
#include "storage/schema.hpp"
#include "storage/statement_cache.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::storage;

namespace {
connection open_rw(const std::string& path) {
  return connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

/// A write_context that runs units on `db` and records the SQL text of every statement they use
/// (add_later's included, which it does not run).
class recording_context final : public write_context {
public:
  explicit recording_context(connection& db) : db_(db), cache_(db.handle()) {}
  statement& prepare(std::string_view sql) override {
    seen.emplace(sql);
    return cache_.get(sql);
  }
  sqlite3* handle() override { return db_.handle(); }
  void add_later(std::string_view sql, std::int64_t, std::string_view,
                 std::array<std::int64_t, 3>) override {
    seen.emplace(sql);
  }
  std::set<std::string> seen;

private:
  connection& db_;
  statement_cache cache_;
};

/// Runs every unit the service submits on a migrated `db` so that each reaches all its
/// statements, and returns their SQL texts: the service's own statements, not copies of them.
std::set<std::string> statements_of_every_unit(connection& db) {
  db.exec("INSERT INTO balance (customer_id, amount) VALUES (7, 100000)");
  recording_context ctx(db);
  const domain::timestamp now = 1'790'000'000'000;
  domain::coupon c{.id = 1,
                   .name = "c",
                   .type = domain::discount_type::fixed,
                   .discount_amount = 100,
                   .current_quantity = 10,
                   .total_quantity = 10,
                   .started_at = now,
                   .expired_at = now + 1'000'000};
  auto order = [&](domain::id_t id) {
    domain::order o{.id = id,
                    .customer_id = 7,
                    .status = domain::order_status::created,
                    .total_price = 1000,
                    .created_at = now,
                    .expires_at = now + 1'000,
                    .lines = {{5001, 1, "p", "o", 1, 1000, 1000}}};
    return std::make_shared<const domain::order>(o);
  };
  domain::payment_job job{.payment = {.id = 1,
                                      .order_id = 1,
                                      .customer_id = 7,
                                      .coupon_id = 1,
                                      .original_price = 1000,
                                      .discount_amount = 100,
                                      .discounted_price = 900,
                                      .paid_at = now},
                          .lines = order(1)->lines};
  for (const unit_fn& unit :
       {create_coupon(c), issue_coupon(1, 7, now), create_order(order(1)), pay_order(job),
        charge_balance(7, 500, now, std::make_shared<domain::money>()), create_order(order(2)),
        expire_order(*order(2)), mark_delivered({1}, now)})
    REQUIRE(unit(ctx));
  return ctx.seen;
}

std::string schema_text(connection& db) {
  auto s = db.prepare("SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master "
                      "WHERE sql IS NOT NULL ORDER BY name)");
  return s.step() ? s.column_text(0) : "";
}
} // namespace

TEST_CASE("an empty database is migrated to the latest schema version", "[storage]") {
  actorshop::test::temp_dir dir;
  auto db = open_rw(dir.file("shop.db"));
  CHECK(migrate(db) == latest_schema_version());
  CHECK(db.query_int64("PRAGMA user_version") == latest_schema_version());
  CHECK(db.query_text("PRAGMA journal_mode") == "wal");
  for (const char* table : {"customer", "balance", "balance_history", "coupon", "customer_coupon",
                            "product", "product_option", "stock", "orders", "order_item", "payment",
                            "product_sales_daily", "outbox"}) {
    auto s = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    s.bind(1, table);
    REQUIRE(s.step());
    INFO(table);
    CHECK(s.column_int64(0) == 1);
  }
}

TEST_CASE("re-opening a migrated database changes nothing", "[storage]") {
  actorshop::test::temp_dir dir;
  std::string before;
  {
    auto db = open_rw(dir.file("shop.db"));
    migrate(db);
    db.exec("INSERT INTO customer (id, username) VALUES (1, 'u1')");
    before = schema_text(db);
  }
  auto db = open_rw(dir.file("shop.db"));
  CHECK(migrate(db) == latest_schema_version());
  CHECK(schema_text(db) == before);
  CHECK(db.query_int64("SELECT count(*) FROM customer") == 1);
}

TEST_CASE("the schema's CHECK constraints refuse negative balances, stock and bad statuses",
          "[storage]") {
  actorshop::test::temp_dir dir;
  auto db = open_rw(dir.file("shop.db"));
  migrate(db);
  CHECK_THROWS_AS(db.exec("INSERT INTO balance (customer_id, amount) VALUES (1, -1)"), error);
  CHECK_THROWS_AS(db.exec("INSERT INTO stock VALUES (1, 1, -1, 0, 0)"), error);
  CHECK_THROWS_AS(db.exec("INSERT INTO orders VALUES (1, 1, 'SHIPPED', 0, 'a', 'b', NULL)"), error);
  CHECK_THROWS_AS(db.exec("INSERT INTO customer_coupon VALUES (1, 1, 'GONE', 'a', NULL)"), error);
  try {
    db.exec("INSERT INTO balance (customer_id, amount) VALUES (2, -5)");
  } catch (const error& e) {
    CHECK(e.is_constraint());
  }
}

TEST_CASE("a database from a newer build is refused", "[storage]") {
  actorshop::test::temp_dir dir;
  auto db = open_rw(dir.file("shop.db"));
  db.exec("PRAGMA user_version = 99");
  CHECK_THROWS_AS(migrate(db), error);
  try {
    migrate(db);
  } catch (const error& e) {
    CHECK(std::string(e.what()).find("schema version 99 is newer than this build's " +
                                     std::to_string(latest_schema_version())) != std::string::npos);
  }
  CHECK(db.query_int64("PRAGMA user_version") == 99); // refused before touching anything
}

TEST_CASE("migration 2 keeps the rows of a version-1 database and its CHECKs", "[storage]") {
  actorshop::test::temp_dir dir;
  {
    auto db = open_rw(dir.file("shop.db"));
    REQUIRE(migrate(db, 1) == 1);
    db.exec("INSERT INTO orders VALUES (1, 7, 'CREATED', 100, 'a', 'b', NULL)");
    db.exec("INSERT INTO orders VALUES (2, 7, 'PAID', 200, 'a', 'b', 'c')");
    db.exec("INSERT INTO balance_history VALUES (1, 7, 'CHARGE', 5, 5, 'a')");
    db.exec("INSERT INTO customer_coupon VALUES (7, 4001, 'USED', 'a', 'b')");
  }
  auto db = open_rw(dir.file("shop.db"));
  CHECK(migrate(db, 2) == 2);
  CHECK(db.query_int64("SELECT sum(total_price) FROM orders") == 300);
  CHECK(db.query_int64("SELECT count(*) FROM orders WHERE status = 'CREATED'") == 1);
  CHECK(db.query_text("SELECT change_type FROM balance_history WHERE id = 1") == "CHARGE");
  CHECK(db.query_text("SELECT used_at FROM customer_coupon WHERE customer_id = 7") == "b");
  CHECK(db.query_int64("SELECT count(*) FROM sqlite_master WHERE name IN ('orders_open', "
                       "'balance_history_by_customer', 'customer_coupon_by_coupon')") == 3);
  CHECK_THROWS_AS(db.exec("INSERT INTO orders VALUES (3, 7, 'SHIPPED', 0, 'a', 'b', NULL)"), error);
  CHECK_THROWS_AS(
      db.exec("INSERT INTO balance_history (id, customer_id, change_type, "
              "change_amount, total_amount, created_at) VALUES (2, 7, 'GIFT', 1, 1, 'a')"),
      error);
  CHECK_THROWS_AS(db.exec("UPDATE customer_coupon SET status = 'GONE'"), error);
}

// A CHECK written as `x IN (...)` makes SQLite build an ephemeral table on every row write; the
// hot statements must not carry one (a plan property, not a timing).
TEST_CASE("the hot statements open no ephemeral table", "[storage]") {
  actorshop::test::temp_dir dir;
  auto db = open_rw(dir.file("shop.db"));
  migrate(db);
  for (const std::string& sql : statements_of_every_unit(db)) {
    auto s = db.prepare("EXPLAIN " + sql);
    int ephemeral = 0;
    while (s.step())
      ephemeral += s.column_text(1) == "OpenEphemeral" ? 1 : 0;
    INFO(sql);
    CHECK(ephemeral == 0);
  }
}

TEST_CASE("migration 3 links each customer's existing history rows in order", "[storage]") {
  actorshop::test::temp_dir dir;
  {
    auto db = open_rw(dir.file("shop.db"));
    REQUIRE(migrate(db, 2) == 2);
    db.exec("INSERT INTO balance (customer_id, amount) VALUES (7, 30), (8, 5), (9, 0)");
    db.exec(
        "INSERT INTO balance_history VALUES (1, 7, 'CHARGE', 10, 10, 'a'), "
        "(2, 8, 'CHARGE', 5, 5, 'a'), (3, 7, 'CHARGE', 30, 40, 'b'), (4, 7, 'USE', 10, 30, 'c')");
  }
  auto db = open_rw(dir.file("shop.db"));
  CHECK(migrate(db) == latest_schema_version());
  CHECK(db.query_int64("SELECT last_history_id FROM balance WHERE customer_id = 7") == 4);
  CHECK(db.query_int64("SELECT last_history_id FROM balance WHERE customer_id = 8") == 2);
  CHECK(db.query_int64("SELECT last_history_id IS NULL FROM balance WHERE customer_id = 9") == 1);
  CHECK(db.query_int64("SELECT prev_id FROM balance_history WHERE id = 4") == 3);
  CHECK(db.query_int64("SELECT prev_id FROM balance_history WHERE id = 3") == 1);
  CHECK(db.query_int64("SELECT prev_id IS NULL FROM balance_history WHERE id = 1") == 1);
  CHECK(db.query_int64("SELECT prev_id IS NULL FROM balance_history WHERE id = 2") == 1);
  CHECK(db.query_int64("SELECT count(*) FROM sqlite_master WHERE name = "
                       "'balance_history_by_customer'") == 0);
}

TEST_CASE("migration 4 keeps outbox rows and lets new ones leave the payload to the dispatcher",
          "[storage]") {
  actorshop::test::temp_dir dir;
  {
    auto db = open_rw(dir.file("shop.db"));
    REQUIRE(migrate(db, 3) == 3);
    db.exec(
        "INSERT INTO outbox VALUES (1, 'PaymentCompleted', 9, '{\"eventId\":1}', 'a', NULL, 0)");
    CHECK_THROWS_AS(db.exec("INSERT INTO outbox (id, event_type, aggregate_id, created_at) "
                            "VALUES (2, 'PaymentCompleted', 9, 'a')"),
                    error);
  }
  auto db = open_rw(dir.file("shop.db"));
  CHECK(migrate(db) == latest_schema_version());
  CHECK(db.query_text("SELECT payload FROM outbox WHERE id = 1") == "{\"eventId\":1}");
  db.exec("INSERT INTO outbox (id, event_type, aggregate_id, created_at) "
          "VALUES (2, 'PaymentCompleted', 9, 'a')");
  CHECK(db.query_int64("SELECT count(*) FROM outbox WHERE delivered_at IS NULL") == 2);
  CHECK(db.query_int64("SELECT count(*) FROM sqlite_master WHERE name = 'outbox_pending'") == 1);
}
