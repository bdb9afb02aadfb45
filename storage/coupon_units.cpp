#include "storage/coupon_units.hpp"

#include "storage/sqlite.hpp"
#include "storage/unit_support.hpp"

namespace actorshop::storage {

using unit_support::changed_one;

unit_fn issue_coupon(domain::id_t coupon_id, domain::id_t customer_id, domain::timestamp now) {
  return [=](write_context& ctx) -> domain::status {
    ctx.prepare("UPDATE coupon SET current_quantity = current_quantity - 1 WHERE id = ?")
        .bind(1, coupon_id)
        .run();
    if (!changed_one(ctx))
      return domain::errc::coupon_not_found;
    ctx.prepare("INSERT INTO customer_coupon (customer_id, coupon_id, status, issued_at) "
                "VALUES (?, ?, 'AVAILABLE', ?)")
        .bind(1, customer_id)
        .bind(2, coupon_id)
        .bind(3, domain::format_iso8601(now))
        .run();
    return {};
  };
}

unit_fn create_coupon(const domain::coupon& c) {
  return [c](write_context& ctx) -> domain::status {
    ctx.prepare("INSERT INTO coupon (id, name, discount_type, discount_amount, current_quantity, "
                "total_quantity, started_at, expired_at) VALUES (?,?,?,?,?,?,?,?)")
        .bind(1, c.id)
        .bind(2, c.name)
        .bind(3, domain::to_string(c.type))
        .bind(4, c.discount_amount)
        .bind(5, c.current_quantity)
        .bind(6, c.total_quantity)
        .bind(7, domain::format_iso8601(c.started_at))
        .bind(8, domain::format_iso8601(c.expired_at))
        .run();
    return {};
  };
}

domain::status use_coupon(write_context& ctx, domain::id_t customer_id, domain::id_t coupon_id,
                          const std::string& at) {
  ctx.prepare("UPDATE customer_coupon SET status = 'USED', used_at = ? "
              "WHERE customer_id = ? AND coupon_id = ? AND status = 'AVAILABLE'")
      .bind(1, at)
      .bind(2, customer_id)
      .bind(3, coupon_id)
      .run();
  if (!changed_one(ctx))
    return domain::errc::coupon_already_used;
  return {};
}

} // namespace actorshop::storage
