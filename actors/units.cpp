#include "actors/units.hpp"

#include <sqlite3.h>


#include "storage/sqlite.hpp"

namespace actorshop::actors::units {
namespace {

using domain::errc;
using domain::status;
using storage::write_context;

// Returns whether the last statement on the write connection changed exactly one row.
bool changed_one(write_context& ctx) { return sqlite3_changes(ctx.handle()) == 1; }

// A balance change: appends the history row (total and list link read from the balance row),
// then moves the balance and the head of the customer's history list to it (schema migration 3).
// `delta` is what the balance gains; `amount` is the positive change_amount shown in the history.
status append_history(write_context& ctx, domain::id_t customer_id, const char* type,
                      domain::money amount, domain::money delta, const std::string& at) {
  ctx.prepare("INSERT INTO balance_history (customer_id, change_type, change_amount, "
              "total_amount, created_at, prev_id) "
              "SELECT customer_id, ?2, ?3, amount + ?4, ?5, last_history_id FROM balance "
              "WHERE customer_id = ?1")
      .bind(1, customer_id)
      .bind(2, type)
      .bind(3, amount)
      .bind(4, delta)
      .bind(5, at)
      .run();
  if (!changed_one(ctx))
    return errc::customer_not_found;
  ctx.prepare("UPDATE balance SET amount = amount + ?2, last_history_id = ?3 WHERE customer_id = ?1")
      .bind(1, customer_id)
      .bind(2, delta)
      .bind(3, static_cast<std::int64_t>(sqlite3_last_insert_rowid(ctx.handle())))
      .run();
  return {};
}

// Stock and daily sales are sums many units of a batch touch: applied once per row and batch.
// Stock deltas are {available, reserved, sold}.
constexpr std::string_view stock_delta =
    "UPDATE stock SET quantity = quantity + ?3, reserved = reserved + ?4, sold = sold + ?5 "
    "WHERE product_option_id = ?1";
constexpr std::string_view sales_delta =
    "INSERT INTO product_sales_daily (product_id, sales_date, quantity) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (product_id, sales_date) DO UPDATE SET quantity = quantity + excluded.quantity";

} // namespace

storage::unit_fn issue(domain::id_t coupon_id, domain::id_t customer_id, domain::timestamp now) {
  return [=](write_context& ctx) -> status {
    ctx.prepare("UPDATE coupon SET current_quantity = current_quantity - 1 WHERE id = ?")
        .bind(1, coupon_id)
        .run();
    if (!changed_one(ctx))
      return errc::coupon_not_found;
    ctx.prepare("INSERT INTO customer_coupon (customer_id, coupon_id, status, issued_at) "
                "VALUES (?, ?, 'AVAILABLE', ?)")
        .bind(1, customer_id)
        .bind(2, coupon_id)
        .bind(3, domain::format_iso8601(now))
        .run();
    return {};
  };
}

storage::unit_fn create_order(std::shared_ptr<const domain::order> order) {
  return [order = std::move(order)](write_context& ctx) -> status {
    const domain::order& o = *order;
    ctx.prepare("INSERT INTO orders (id, customer_id, status, total_price, created_at, expires_at) "
                "VALUES (?, ?, 'CREATED', ?, ?, ?)")
        .bind(1, o.id)
        .bind(2, o.customer_id)
        .bind(3, o.total_price)
        .bind(4, domain::format_iso8601(o.created_at))
        .bind(5, domain::format_iso8601(o.expires_at))
        .run();
    for (const auto& l : o.lines) {
      ctx.prepare("INSERT INTO order_item (order_id, product_id, product_option_id, product_name, "
                  "option_name, quantity, unit_price, subtotal_price) VALUES (?,?,?,?,?,?,?,?)")
          .bind(1, o.id)
          .bind(2, l.product_id)
          .bind(3, l.option_id)
          .bind(4, l.product_name)
          .bind(5, l.option_name)
          .bind(6, l.qty)
          .bind(7, l.unit_price)
          .bind(8, l.subtotal)
          .run();
      ctx.add_later(stock_delta, l.option_id, {}, {-l.qty, l.qty, 0});
    }
    return {};
  };
}

storage::unit_fn expire_order(const domain::order& o) {
  return [o](write_context& ctx) -> status {
    ctx.prepare("UPDATE orders SET status = 'EXPIRED' WHERE id = ? AND status = 'CREATED'")
        .bind(1, o.id)
        .run();
    if (!changed_one(ctx))
      return {};
    for (const auto& l : o.lines)
      ctx.add_later(stock_delta, l.option_id, {}, {l.qty, -l.qty, 0});
    return {};
  };
}

storage::unit_fn charge(domain::id_t customer_id, domain::money amount, domain::timestamp now,
                        std::shared_ptr<domain::money> total) {
  return [=](write_context& ctx) -> status {
    if (auto s = append_history(ctx, customer_id, "CHARGE", amount, amount,
                                domain::format_iso8601(now));
        !s)
      return s;
    auto& q = ctx.prepare("SELECT amount FROM balance WHERE customer_id = ?");
    q.bind(1, customer_id);
    if (!q.step())
      return errc::customer_not_found;
    *total = q.column_int64(0);
    return {};
  };
}

namespace {

// The balance part of a payment: debit and its USE history row.
status debit_balance(write_context& ctx, const domain::payment& p, const std::string& at) {
  return append_history(ctx, p.customer_id, "USE", p.discounted_price, -p.discounted_price, at);
}

// The order part of a payment: payment row, order PAID, stock reserved -> sold, daily sales.
status settle_order(write_context& ctx, const payment_job& job, const std::string& at) {
  const auto& p = job.payment;
  ctx.prepare("UPDATE orders SET status = 'PAID', paid_at = ? WHERE id = ? AND status = 'CREATED'")
      .bind(1, at)
      .bind(2, p.order_id)
      .run();
  if (!changed_one(ctx))
    return errc::order_not_payable;
  auto& ins = ctx.prepare("INSERT INTO payment (id, order_id, customer_id, coupon_id, "
                          "original_price, discount_amount, discounted_price, paid_at) "
                          "VALUES (?,?,?,?,?,?,?,?)");
  ins.bind(1, p.id).bind(2, p.order_id).bind(3, p.customer_id);
  p.coupon_id ? ins.bind(4, *p.coupon_id) : ins.bind_null(4);
  ins.bind(5, p.original_price).bind(6, p.discount_amount).bind(7, p.discounted_price).bind(8, at);
  ins.run();
  const std::string day = domain::format_day(p.paid_at);
  for (const auto& l : job.lines) {
    ctx.add_later(stock_delta, l.option_id, {}, {0, -l.qty, l.qty});
    ctx.add_later(sales_delta, l.product_id, day, {l.qty, 0, 0});
  }
  return {};
}

} // namespace

storage::unit_fn payment(payment_job job) {
  return [job = std::move(job)](write_context& ctx) -> status {
    const auto& p = job.payment;
    const std::string at = domain::format_iso8601(p.paid_at);
    if (auto s = settle_order(ctx, job, at); !s)
      return s;
    if (auto s = debit_balance(ctx, p, at); !s)
      return s;
    if (p.coupon_id) {
      ctx.prepare("UPDATE customer_coupon SET status = 'USED', used_at = ? "
                  "WHERE customer_id = ? AND coupon_id = ? AND status = 'AVAILABLE'")
          .bind(1, at)
          .bind(2, p.customer_id)
          .bind(3, *p.coupon_id)
          .run();
      if (!changed_one(ctx))
        return errc::coupon_already_used;
    }
    // No payload: the dispatcher composes the event from the payment row (schema migration 4).
    ctx.prepare("INSERT INTO outbox (id, event_type, aggregate_id, created_at) "
                "VALUES (?, 'PaymentCompleted', ?, ?)")
        .bind(1, p.id)
        .bind(2, p.order_id)
        .bind(3, at)
        .run();
    return {};
  };
}

storage::unit_fn create_coupon(const domain::coupon& c) {
  return [c](write_context& ctx) -> status {
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

storage::unit_fn mark_delivered(std::vector<domain::id_t> ids, domain::timestamp now) {
  return [ids = std::move(ids), now](write_context& ctx) -> status {
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


} // namespace actorshop::actors::units
