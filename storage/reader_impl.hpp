// Internals shared by reader.cpp (API queries) and reader_loaders.cpp (activation and recovery
// loaders): the reader's connection and statement cache, and row-to-value conversions.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "storage/reader.hpp"
#include "storage/sqlite.hpp"
#include "storage/statement_cache.hpp"

namespace actorshop::storage {

inline domain::timestamp to_time(const statement& s, int column) {
  auto t = domain::parse_iso8601(s.column_view(column));
  if (!t)
    throw error(SQLITE_MISMATCH, "bad timestamp '" + s.column_text(column) + "'");
  return *t;
}

template <class T, class Parse> inline T to_enum(const statement& s, int column, Parse parse) {
  auto v = parse(s.column_view(column));
  if (!v)
    throw error(SQLITE_MISMATCH, "bad enum value '" + s.column_text(column) + "'");
  return *v;
}

inline stock_row to_stock(const statement& s) {
  return {s.column_int64(0), s.column_int64(1), s.column_int64(2), s.column_int64(3),
          s.column_int64(4)};
}

inline constexpr std::string_view order_columns =
    "SELECT id, customer_id, status, total_price, created_at, expires_at FROM orders";
inline constexpr std::string_view line_columns =
    "SELECT i.order_id, i.product_id, i.product_option_id, i.product_name, i.option_name, "
    "i.quantity, i.unit_price, i.subtotal_price FROM order_item i";

inline domain::order to_order(const statement& s) {
  domain::order o;
  o.id = s.column_int64(0);
  o.customer_id = s.column_int64(1);
  o.status = to_enum<domain::order_status>(s, 2, domain::parse_order_status);
  o.total_price = s.column_int64(3);
  o.created_at = to_time(s, 4);
  o.expires_at = to_time(s, 5);
  return o;
}

inline domain::order_line to_line(const statement& s) {
  return {s.column_int64(1), s.column_int64(2), s.column_text(3), s.column_text(4),
          s.column_int64(5), s.column_int64(6), s.column_int64(7)};
}

/// A cached statement in use; resetting it on scope exit ends its implicit read transaction, so
/// an idle reader never pins an old WAL snapshot (which would also stall checkpoints).
class cursor {
public:
  explicit cursor(statement& s) : s_(s) {}
  ~cursor() { s_.reset(); }
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  statement& operator*() const { return s_; }

private:
  statement& s_;
};

struct reader::impl {
  connection db;
  statement_cache cache{db.handle()};

  explicit impl(const std::string& path) : db(path, SQLITE_OPEN_READONLY) {
    db.busy_timeout(5000);
    db.exec("PRAGMA query_only = 1");
  }

  /// Returns the cached statement for `sql`, reset and with bindings cleared.
  cursor query(std::string_view sql) { return cursor(cache.get(sql)); }
};

/// Holds one read transaction (one WAL snapshot) for its scope.
class read_transaction {
public:
  explicit read_transaction(connection& db) : db_(db) { db_.exec("BEGIN"); }
  ~read_transaction() {
    try {
      db_.exec("COMMIT");
    } catch (const error&) { // a read transaction has nothing to lose
    }
  }
  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;

private:
  connection& db_;
};

} // namespace actorshop::storage
