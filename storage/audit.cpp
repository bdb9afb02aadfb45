// Each invariant is one query that returns one line of text per violating row (composed with
// printf in SQL), so adding an invariant is adding a row to the table below. The stock initially
// loaded is not recorded anywhere, so conservation is checked per row through the orders that
// moved it: reserved = units of open orders, sold = units of paid orders (available is what is
// left, and CHECK (>= 0) keeps it honest).
#include "storage/audit.hpp"

#include <array>
#include <string_view>

#include <sqlite3.h>

namespace actorshop::storage {
namespace {

struct invariant {
  std::string_view name;
  std::string_view sql;
};

constexpr std::array<invariant, 8> invariants = {{
    {"stock_conserved", R"sql(
WITH moved AS (
  SELECT i.product_option_id AS option_id,
         SUM(CASE WHEN o.status = 'CREATED' THEN i.quantity ELSE 0 END) AS open_units,
         SUM(CASE WHEN o.status = 'PAID' THEN i.quantity ELSE 0 END) AS paid_units
  FROM order_item i JOIN orders o ON o.id = i.order_id GROUP BY i.product_option_id)
SELECT printf('option %d: reserved %d, units in open orders %d; sold %d, units in paid orders %d',
              s.product_option_id, s.reserved, COALESCE(m.open_units, 0), s.sold,
              COALESCE(m.paid_units, 0))
FROM stock s LEFT JOIN moved m ON m.option_id = s.product_option_id
WHERE s.reserved != COALESCE(m.open_units, 0) OR s.sold != COALESCE(m.paid_units, 0))sql"},
    {"coupon_holders_match_quantity", R"sql(
SELECT printf('coupon %d: total %d - remaining %d != %d holders (or holders above total)',
              c.id, c.total_quantity, c.current_quantity, COUNT(cc.customer_id))
FROM coupon c LEFT JOIN customer_coupon cc ON cc.coupon_id = c.id GROUP BY c.id
HAVING c.total_quantity - c.current_quantity != COUNT(cc.customer_id)
    OR COUNT(cc.customer_id) > c.total_quantity)sql"},
    {"coupon_one_per_customer", R"sql(
SELECT printf('customer %d holds coupon %d %d times', customer_id, coupon_id, COUNT(*))
FROM customer_coupon GROUP BY customer_id, coupon_id HAVING COUNT(*) > 1)sql"},
    {"paid_order_has_payment", R"sql(
SELECT printf('order %d is PAID without a payment', o.id) FROM orders o
WHERE o.status = 'PAID' AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.order_id = o.id))sql"},
    {"payment_order_is_paid", R"sql(
SELECT printf('payment %d: order %d is %s', p.id, p.order_id, COALESCE(o.status, 'missing'))
FROM payment p LEFT JOIN orders o ON o.id = p.order_id WHERE o.status IS NOT 'PAID')sql"},
    {"payment_amounts", R"sql(
SELECT printf('payment %d: original %d (order total %d) - discount %d != paid %d', p.id,
              p.original_price, o.total_price, p.discount_amount, p.discounted_price)
FROM payment p JOIN orders o ON o.id = p.order_id
WHERE p.discounted_price != p.original_price - p.discount_amount
   OR p.original_price != o.total_price)sql"},
    {"coupon_used_by_payment", R"sql(
SELECT printf('payment %d used coupon %d, which customer %d does not hold as USED', p.id,
              p.coupon_id, p.customer_id)
FROM payment p WHERE p.coupon_id IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM customer_coupon cc WHERE cc.customer_id = p.customer_id
     AND cc.coupon_id = p.coupon_id AND cc.status = 'USED')
UNION ALL
SELECT printf('%d coupons are USED but %d payments used one', used, paid) FROM (
  SELECT (SELECT COUNT(*) FROM customer_coupon WHERE status = 'USED') AS used,
         (SELECT COUNT(*) FROM payment WHERE coupon_id IS NOT NULL) AS paid)
WHERE used != paid)sql"},
    {"balance_matches_history", R"sql(
SELECT printf('customer %d: balance %d, last history total %d', b.customer_id, b.amount,
              h.total_amount)
FROM balance b JOIN balance_history h ON h.id = b.last_history_id
WHERE b.amount != h.total_amount
UNION ALL
SELECT printf('history %d (customer %d): total %d != previous %d %s %d', h.id, h.customer_id,
              h.total_amount, p.total_amount, CASE h.change_type WHEN 'USE' THEN '-' ELSE '+' END,
              h.change_amount)
FROM balance_history h JOIN balance_history p ON p.id = h.prev_id
WHERE h.customer_id != p.customer_id OR h.total_amount != p.total_amount +
      CASE h.change_type WHEN 'USE' THEN -h.change_amount ELSE h.change_amount END)sql"},
}};

std::int64_t scalar(connection& db, std::string_view sql, domain::id_t arg, std::int64_t none) {
  statement st = db.prepare(sql);
  if (sqlite3_bind_parameter_count(st.handle()) > 0)
    st.bind(1, arg);
  if (!st.step() || st.column_is_null(0))
    return none;
  return st.column_int64(0);
}

} // namespace

coupon_counts count_coupon(connection& db, domain::id_t coupon_id) {
  coupon_counts c;
  c.holders = scalar(db, "SELECT COUNT(*) FROM customer_coupon WHERE coupon_id = ?", coupon_id, 0);
  c.total_quantity = scalar(db, "SELECT total_quantity FROM coupon WHERE id = ?", coupon_id, -1);
  c.remaining = scalar(db, "SELECT current_quantity FROM coupon WHERE id = ?", coupon_id, -1);
  c.duplicate_holders =
      scalar(db,
             "SELECT COUNT(*) FROM (SELECT customer_id FROM customer_coupon WHERE coupon_id = ? "
             "GROUP BY customer_id HAVING COUNT(*) > 1)",
             coupon_id, 0);
  return c;
}

stock_totals total_stock(connection& db) {
  return {scalar(db, "SELECT SUM(quantity + reserved + sold) FROM stock", 0, 0),
          scalar(db, "SELECT SUM(quantity) FROM stock", 0, 0)};
}

bool order_is_paid(connection& db, domain::id_t order_id) {
  return scalar(db, "SELECT status = 'PAID' FROM orders WHERE id = ?", order_id, 0) == 1;
}

std::vector<std::string> integrity_problems(connection& db) {
  std::vector<std::string> problems;
  statement st = db.prepare("PRAGMA integrity_check");
  while (st.step()) {
    auto line = st.column_text(0);
    if (line != "ok")
      problems.push_back(std::move(line));
  }
  return problems;
}

std::vector<violation> audit_invariants(connection& db, int max_per_invariant) {
  std::vector<violation> found;
  db.exec("BEGIN"); // one read snapshot for every query, even while the daemon writes
  try {
    for (const auto& inv : invariants) {
      statement st = db.prepare(inv.sql);
      for (int n = 0; n < max_per_invariant && st.step(); ++n)
        found.push_back({std::string(inv.name), st.column_text(0)});
    }
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
  db.exec("COMMIT");
  return found;
}

std::vector<std::string> invariant_names() {
  std::vector<std::string> names;
  for (const auto& inv : invariants)
    names.emplace_back(inv.name);
  return names;
}

} // namespace actorshop::storage
