#include "storage/outbox.hpp"

#include <sqlite3.h>

#include "storage/sqlite.hpp"

namespace actorshop::storage {

std::vector<outbox_row> undelivered_events(reader& rd, int limit) {
  // A NULL payload is a PaymentCompleted whose id is its payment's (schema migration 4). json()
  // keeps the items array JSON across the subquery (a subquery drops SQLite's JSON subtype).
  statement st(rd.handle(),
               "SELECT o.id, o.event_type, o.aggregate_id, COALESCE(o.payload, ("
               "  SELECT json_object('eventId', p.id, 'eventType', o.event_type, 'paymentId', p.id,"
               "    'orderId', p.order_id, 'customerId', p.customer_id, 'couponId', p.coupon_id,"
               "    'originalPrice', p.original_price, 'discountAmount', p.discount_amount,"
               "    'discountedPrice', p.discounted_price, 'paidAt', p.paid_at, 'items', json(("
               "      SELECT json_group_array(json_object('productId', i.product_id,"
               "        'productOptionId', i.product_option_id, 'quantity', i.quantity,"
               "        'subtotalPrice', i.subtotal_price))"
               "      FROM order_item i WHERE i.order_id = p.order_id)))"
               "  FROM payment p WHERE p.id = o.id)) "
               "FROM outbox o WHERE o.delivered_at IS NULL ORDER BY o.id LIMIT ?");
  st.bind(1, limit);
  std::vector<outbox_row> rows;
  while (st.step())
    rows.push_back({st.column_int64(0), st.column_text(1), st.column_int64(2), st.column_text(3)});
  return rows;
}

std::int64_t count_undelivered_events(reader& rd) {
  statement st(rd.handle(), "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL");
  return st.step() ? st.column_int64(0) : 0;
}

std::int64_t count_delivered_events(reader& rd) {
  statement st(rd.handle(), "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL");
  return st.step() ? st.column_int64(0) : 0;
}

unit_fn mark_delivered(std::vector<domain::id_t> ids, domain::timestamp now) {
  return [ids = std::move(ids), now](write_context& ctx) -> domain::status {
    const std::string at = domain::format_iso8601(now);
    for (auto id : ids)
      ctx.prepare("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 "
                  "WHERE id = ? AND delivered_at IS NULL")
          .bind(1, at)
          .bind(2, id)
          .run();
    return {};
  };
}

domain::id_t last_purgeable_event(reader& rd, domain::timestamp cutoff, int limit) {
  const std::string before = domain::format_iso8601(cutoff);
  statement st(rd.handle(), "SELECT id, delivered_at FROM outbox ORDER BY id LIMIT ?");
  st.bind(1, limit);
  domain::id_t last = 0;
  // ISO 8601 UTC strings of one format order as their times do.
  while (st.step() && !st.column_is_null(1) && st.column_text(1) < before)
    last = st.column_int64(0);
  return last;
}

unit_fn purge_delivered(domain::id_t last_id, domain::timestamp cutoff, std::int64_t* deleted) {
  return [last_id, cutoff, deleted](write_context& ctx) -> domain::status {
    ctx.prepare("DELETE FROM outbox WHERE id <= ? AND delivered_at IS NOT NULL "
                "AND delivered_at < ?")
        .bind(1, last_id)
        .bind(2, domain::format_iso8601(cutoff))
        .run();
    if (deleted)
      *deleted = sqlite3_changes(ctx.handle());
    return {};
  };
}

// No payload: the dispatcher composes the event from the payment row (schema migration 4).
void add_payment_event(write_context& ctx, domain::id_t payment_id, domain::id_t order_id,
                       const std::string& at) {
  ctx.prepare("INSERT INTO outbox (id, event_type, aggregate_id, created_at) "
              "VALUES (?, 'PaymentCompleted', ?, ?)")
      .bind(1, payment_id)
      .bind(2, order_id)
      .bind(3, at)
      .run();
}

} // namespace actorshop::storage
