// Migration 1 is the whole schema of the shared context. Later changes append a migration; a
// shipped migration is never edited.
//
// Foreign keys are left off on purpose: every write goes through the single writer, whose units are
// built by actors that already checked existence (customer, option, order) against their state; an
// FK check would add an index probe per row on the hot path and forbid the bench's synthetic rows.
// CHECK constraints stay on: they are cheap and catch an invariant broken by a bug (balance or
// stock below zero) at the last line of defence, failing that unit alone.
#include "storage/schema.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <filesystem>
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

// Migration 2: the same CHECKs, spelled with OR. SQLite 3.40 evaluates `x IN ('A', 'B', 'C')` in a
// CHECK by building an ephemeral table (a B-tree of its own, opened and freed) on EVERY insert or
// update of the row: measured by perf as the costliest part of an order or payment unit after the
// row writes themselves. A CHECK cannot be altered, so the three tables are rebuilt (data kept).
constexpr std::string_view migration_2 = R"sql(
CREATE TABLE balance_history_v2 (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  change_type TEXT NOT NULL
    CHECK (change_type = 'CHARGE' OR change_type = 'USE' OR change_type = 'REFUND'),
  change_amount INTEGER NOT NULL,
  total_amount INTEGER NOT NULL CHECK (total_amount >= 0),
  created_at TEXT NOT NULL
);
INSERT INTO balance_history_v2 SELECT id, customer_id, change_type, change_amount, total_amount,
  created_at FROM balance_history;
DROP TABLE balance_history;
ALTER TABLE balance_history_v2 RENAME TO balance_history;
CREATE INDEX balance_history_by_customer ON balance_history (customer_id, id);

CREATE TABLE customer_coupon_v2 (
  customer_id INTEGER NOT NULL,
  coupon_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status = 'AVAILABLE' OR status = 'USED' OR status = 'EXPIRED'),
  issued_at TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (customer_id, coupon_id)
) WITHOUT ROWID;
INSERT INTO customer_coupon_v2 SELECT customer_id, coupon_id, status, issued_at, used_at
  FROM customer_coupon;
DROP TABLE customer_coupon;
ALTER TABLE customer_coupon_v2 RENAME TO customer_coupon;
CREATE INDEX customer_coupon_by_coupon ON customer_coupon (coupon_id);

CREATE TABLE orders_v2 (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status = 'CREATED' OR status = 'PAID' OR status = 'EXPIRED' OR
                              status = 'CANCELLED'),
  total_price INTEGER NOT NULL CHECK (total_price >= 0),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  paid_at TEXT
);
INSERT INTO orders_v2 SELECT id, customer_id, status, total_price, created_at, expires_at, paid_at
  FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v2 RENAME TO orders;
CREATE INDEX orders_open ON orders (id) WHERE status = 'CREATED';
)sql";

// Migration 3: a customer's balance history is a linked list (balance.last_history_id, then each
// row's prev_id) instead of the index on (customer_id, id). With a hundred customers paying at
// once, every batch inserted into a hundred places of that index: perf and the WAL hook counted
// 68 WAL frames (pages) per commit with it and 31 without, so each commit wrote and fsynced twice
// the bytes. History rows are now only appended (one page), and the balance row a payment already
// updates carries the new head. Reading a history follows the links (one rowid probe per row).
constexpr std::string_view migration_3 = R"sql(
ALTER TABLE balance ADD COLUMN last_history_id INTEGER;
ALTER TABLE balance_history ADD COLUMN prev_id INTEGER;
UPDATE balance_history SET prev_id = chain.prev
  FROM (SELECT id, LAG(id) OVER (PARTITION BY customer_id ORDER BY id) AS prev
        FROM balance_history) AS chain
  WHERE balance_history.id = chain.id;
UPDATE balance SET last_history_id =
  (SELECT MAX(h.id) FROM balance_history h WHERE h.customer_id = balance.customer_id);
DROP INDEX balance_history_by_customer;
)sql";

// Migration 4: a PaymentCompleted outbox row no longer copies the event's JSON (~400 bytes, a
// quarter of the pages a batch of payments dirtied in the WAL); its payload is NULL and the
// dispatcher composes it from the payment and order_item rows, which never change once written.
// Rows that carry a payload (older rows, other event types) are sent as they are.
constexpr std::string_view migration_4 = R"sql(
CREATE TABLE outbox_v4 (
  id INTEGER PRIMARY KEY,
  event_type TEXT NOT NULL,
  aggregate_id INTEGER NOT NULL,
  payload TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_v4 SELECT id, event_type, aggregate_id, payload, created_at, delivered_at,
  attempts FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v4 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;
)sql";

constexpr std::array<std::string_view, 4> migrations = {migration_1, migration_2, migration_3,
                                                        migration_4};

} // namespace

int latest_schema_version() { return static_cast<int>(migrations.size()); }

int migrate(connection& db) { return migrate(db, latest_schema_version()); }

std::string foreign_database_reason(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0 || ec)
    return {};
  connection db(path, SQLITE_OPEN_READONLY);
  if (db.query_int64("PRAGMA user_version") != 0)
    return {};
  const auto objects = db.query_int64("SELECT count(*) FROM sqlite_master");
  if (objects == 0)
    return {};
  return path + " holds " + std::to_string(objects) +
         " schema object(s) but no actorshop schema (user_version 0): it looks like another "
         "application's database; pass --adopt-database to migrate it anyway";
}

int migrate(connection& db, int target) {
  target = std::min(target, latest_schema_version());
  if (db.query_text("PRAGMA journal_mode = WAL") != "wal" && !db.read_only())
    throw error(1, db.path() + ": cannot switch to WAL journal mode");
  int version = static_cast<int>(db.query_int64("PRAGMA user_version"));
  if (version > latest_schema_version())
    throw error(1, db.path() + ": schema version " + std::to_string(version) +
                       " is newer than this build's " + std::to_string(latest_schema_version()));
  for (int next = version + 1; next <= target; ++next) {
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
