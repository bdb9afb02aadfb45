#include "storage/order_units.hpp"

#include "storage/balance_units.hpp"
#include "storage/coupon_units.hpp"
#include "storage/outbox.hpp"
#include "storage/sqlite.hpp"
#include "storage/step_units.hpp"
#include "storage/unit_support.hpp"

namespace actorshop::storage {

using unit_support::changed_one;
using unit_support::sales_delta;
using unit_support::stock_delta;

domain::status insert_order(write_context& ctx, const domain::order& o, bool with_stock) {
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
    if (with_stock)
      ctx.add_later(stock_delta, l.option_id, {}, {-l.qty, l.qty, 0});
  }
  return {};
}

unit_fn create_order(std::shared_ptr<const domain::order> order) {
  return [order = std::move(order)](write_context& ctx) { return insert_order(ctx, *order); };
}

unit_fn expire_order(const domain::order& o) {
  return [o](write_context& ctx) -> domain::status {
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

namespace {

// The order part of a payment: payment row, order PAID, stock reserved -> sold, daily sales.
domain::status settle_order(write_context& ctx, const domain::payment_job& job,
                            const std::string& at, bool with_stock) {
  const auto& p = job.payment;
  ctx.prepare("UPDATE orders SET status = 'PAID', paid_at = ? WHERE id = ? AND status = 'CREATED'")
      .bind(1, at)
      .bind(2, p.order_id)
      .run();
  if (!changed_one(ctx))
    return domain::errc::order_not_payable;
  auto& ins = ctx.prepare("INSERT INTO payment (id, order_id, customer_id, coupon_id, "
                          "original_price, discount_amount, discounted_price, paid_at) "
                          "VALUES (?,?,?,?,?,?,?,?)");
  ins.bind(1, p.id).bind(2, p.order_id).bind(3, p.customer_id);
  p.coupon_id ? ins.bind(4, *p.coupon_id) : ins.bind_null(4);
  ins.bind(5, p.original_price).bind(6, p.discount_amount).bind(7, p.discounted_price).bind(8, at);
  ins.run();
  const std::string day = domain::format_day(p.paid_at);
  for (const auto& l : job.lines) {
    if (with_stock)
      ctx.add_later(stock_delta, l.option_id, {}, {0, -l.qty, l.qty});
    ctx.add_later(sales_delta, l.product_id, day, {l.qty, 0, 0});
  }
  return {};
}

} // namespace

namespace {

// One node's commit of a payment. Single node: the order's stock moves and the coupon use are in
// this commit. Cluster mode: the saga already sold the lines and used the coupon by steps on their
// owners, so this commit leaves stock and coupon alone and closes the order's saga log instead.
domain::status settle(write_context& ctx, const domain::payment_job& job, bool record_event,
                      bool clustered) {
  const auto& p = job.payment;
  const std::string at = domain::format_iso8601(p.paid_at);
  if (auto s = settle_order(ctx, job, at, !clustered); !s)
    return s;
  if (auto s =
          change_balance(ctx, p.customer_id, "USE", p.discounted_price, -p.discounted_price, at);
      !s)
    return s;
  if (clustered)
    close_saga_log(ctx, p.order_id);
  else if (p.coupon_id)
    if (auto s = use_coupon(ctx, p.customer_id, *p.coupon_id, at); !s)
      return s;
  if (record_event)
    add_payment_event(ctx, p.id, p.order_id, at);
  return {};
}

} // namespace

domain::status settle_payment(write_context& ctx, const domain::payment_job& job,
                              bool record_event) {
  return settle(ctx, job, record_event, false);
}

unit_fn pay_order(domain::payment_job job, bool record_event) {
  return [job = std::move(job), record_event](write_context& ctx) {
    return settle(ctx, job, record_event, false);
  };
}

unit_fn pay_order_clustered(domain::payment_job job, bool record_event) {
  return [job = std::move(job), record_event](write_context& ctx) {
    return settle(ctx, job, record_event, true);
  };
}

} // namespace actorshop::storage
