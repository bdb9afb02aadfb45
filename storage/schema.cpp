// Migration 1 is the whole schema of the shared context. Later changes append a migration; a
// shipped migration is never edited.
//
// Foreign keys are left off on purpose: every write goes through the single writer, whose units are
// built by actors that already checked existence (customer, option, order) against their state; an
// FK check would add an index probe per row on the hot path and forbid the bench's synthetic rows.
// CHECK constraints stay on: they are cheap and catch an invariant broken by a bug (balance or
// stock below zero) at the last line of defence, failing that unit alone.
#include "storage/schema.hpp"

#include <array>
#include <string>
#include <string_view>

namespace actorshop::storage {
namespace {

constexpr std::string_view migration_1 = R"sql(
CREATE TABLE customer (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE
);
CREATE TABLE balance (
  customer_id INTEGER PRIMARY KEY,
  amount INTEGER NOT NULL CHECK (amount >= 0)
);
CREATE TABLE balance_history (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  change_type TEXT NOT NULL CHECK (change_type IN ('CHARGE', 'USE', 'REFUND')),
  change_amount INTEGER NOT NULL,
  total_amount INTEGER NOT NULL CHECK (total_amount >= 0),
  created_at TEXT NOT NULL
);
CREATE INDEX balance_history_by_customer ON balance_history (customer_id, id);
CREATE TABLE coupon (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  discount_type TEXT NOT NULL CHECK (discount_type IN ('FIXED', 'RATE')),
  discount_amount INTEGER NOT NULL CHECK (discount_amount >= 0),
  current_quantity INTEGER NOT NULL CHECK (current_quantity >= 0),
  total_quantity INTEGER NOT NULL CHECK (total_quantity >= 0),
  started_at TEXT NOT NULL,
  expired_at TEXT NOT NULL
);
CREATE TABLE customer_coupon (
  customer_id INTEGER NOT NULL,
  coupon_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('AVAILABLE', 'USED', 'EXPIRED')),
  issued_at TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (customer_id, coupon_id)
) WITHOUT ROWID;
CREATE INDEX customer_coupon_by_coupon ON customer_coupon (coupon_id);
CREATE TABLE product (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  base_price INTEGER NOT NULL CHECK (base_price >= 0)
);
CREATE TABLE product_option (
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL,
  option_name TEXT NOT NULL,
  extra_price INTEGER NOT NULL CHECK (extra_price >= 0)
);
CREATE INDEX product_option_by_product ON product_option (product_id);
CREATE TABLE stock (
  id INTEGER PRIMARY KEY,
  product_option_id INTEGER NOT NULL UNIQUE,
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0)
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('CREATED', 'PAID', 'EXPIRED', 'CANCELLED')),
  total_price INTEGER NOT NULL CHECK (total_price >= 0),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  paid_at TEXT
);
CREATE INDEX orders_open ON orders (id) WHERE status = 'CREATED';
CREATE TABLE order_item (
  order_id INTEGER NOT NULL,
  product_id INTEGER NOT NULL,
  product_option_id INTEGER NOT NULL,
  product_name TEXT NOT NULL,
  option_name TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  subtotal_price INTEGER NOT NULL CHECK (subtotal_price >= 0),
  PRIMARY KEY (order_id, product_option_id)
) WITHOUT ROWID;
CREATE TABLE payment (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL,
  coupon_id INTEGER,
  original_price INTEGER NOT NULL CHECK (original_price >= 0),
  discount_amount INTEGER NOT NULL CHECK (discount_amount >= 0),
  discounted_price INTEGER NOT NULL CHECK (discounted_price >= 0),
  paid_at TEXT NOT NULL
);
CREATE TABLE product_sales_daily (
  product_id INTEGER NOT NULL,
  sales_date TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (product_id, sales_date)
) WITHOUT ROWID;
CREATE INDEX product_sales_daily_by_date ON product_sales_daily (sales_date);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  event_type TEXT NOT NULL,
  aggregate_id INTEGER NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;
)sql";

constexpr std::array<std::string_view, 1> migrations = {migration_1};

} // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

int migrate(connection& db) {
  if (db.query_text("PRAGMA journal_mode = WAL") != "wal" && !db.read_only())
    throw error(1, db.path() + ": cannot switch to WAL journal mode");
  int version = static_cast<int>(db.query_int64("PRAGMA user_version"));
  if (version > latest_schema_version())
    throw error(1, db.path() + ": schema version " + std::to_string(version) +
                       " is newer than this build's " + std::to_string(latest_schema_version()));
  for (int next = version + 1; next <= latest_schema_version(); ++next) {
    db.exec("BEGIN IMMEDIATE");
    try {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (db.query_int64("PRAGMA user_version") < next) {
        db.exec(migrations[static_cast<std::size_t>(next - 1)]);
        db.exec("PRAGMA user_version = " + std::to_string(next));
      }
      db.exec("COMMIT");
    } catch (...) {
      try {
        db.exec("ROLLBACK");
      } catch (const error&) { // no transaction left to roll back
      }
      throw;
    }
  }
  return static_cast<int>(db.query_int64("PRAGMA user_version"));
}

} // namespace actorshop::storage
