// What the write units share (coupon_units, balance_units, order_units, outbox): the row-count
// check and the batched stock and daily-sales deltas. Internal to storage/.
#pragma once

#include <sqlite3.h>

#include <string_view>

#include "storage/writer.hpp"

namespace actorshop::storage::unit_support {

/// Returns whether the last statement on the write connection changed exactly one row.
inline bool changed_one(write_context& ctx) { return sqlite3_changes(ctx.handle()) == 1; }

// Stock and daily sales are sums many units of a batch touch: applied once per row and batch
// (write_context::add_later). Stock deltas are {available, reserved, sold}.
inline constexpr std::string_view stock_delta =
    "UPDATE stock SET quantity = quantity + ?3, reserved = reserved + ?4, sold = sold + ?5 "
    "WHERE product_option_id = ?1";
inline constexpr std::string_view sales_delta =
    "INSERT INTO product_sales_daily (product_id, sales_date, quantity) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (product_id, sales_date) DO UPDATE SET quantity = quantity + excluded.quantity";

} // namespace actorshop::storage::unit_support
