// audit: the invariants every actorshop database keeps, as SQL (storage owns every statement).
// `actorshop check` runs them all; the bench's after-run audit reads the counts it compares
// before and after a run. Every query only reads, so it is safe on a database being served.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/money.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::storage {

/// A coupon's issuance counts.
struct coupon_counts {
  std::int64_t holders = 0;           ///< customer_coupon rows of the coupon
  std::int64_t total_quantity = -1;   ///< -1: no such coupon
  std::int64_t remaining = -1;        ///< coupon.current_quantity, -1: no such coupon
  std::int64_t duplicate_holders = 0; ///< customers holding it more than once
};

/// Stock summed over every option.
struct stock_totals {
  std::int64_t units = 0;     ///< available + reserved + sold
  std::int64_t available = 0; ///< stock.quantity
};

/// Returns the issuance counts of coupon `coupon_id`.
coupon_counts count_coupon(connection& db, domain::id_t coupon_id);
/// Returns the stock summed over every option.
stock_totals total_stock(connection& db);
/// Returns whether order `order_id` exists and is PAID.
bool order_is_paid(connection& db, domain::id_t order_id);

/// One broken invariant: its name and what was found ("option 6001: reserved 5 != 3 ...").
struct violation {
  std::string invariant;
  std::string detail;
};

/// Returns what PRAGMA integrity_check reports, empty when it says "ok".
std::vector<std::string> integrity_problems(connection& db);

/// Checks every invariant and returns the violations (at most `max_per_invariant` each), empty
/// when the database is consistent. Reads in one transaction, so the answer is one snapshot.
std::vector<violation> audit_invariants(connection& db, int max_per_invariant = 100);

/// Returns the names of the invariants audit_invariants() checks, in order.
std::vector<std::string> invariant_names();

} // namespace actorshop::storage
