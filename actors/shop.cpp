// The shop's commands: each one is checked for what can be refused without an actor, then turned
// into one message to its owning actor (or one unit for the writer).
#include <caf/send.hpp>
#include <sqlite3.h>

#include "actors/cluster_saga.hpp"
#include "actors/coupon.hpp"
#include "actors/customer.hpp"
#include "actors/order_saga.hpp"
#include "actors/shop_impl.hpp"
#include "domain/coupon_rules.hpp"
#include "domain/pricing.hpp"
#include "storage/coupon_units.hpp"
#include "storage/logging.hpp"
#include "storage/reader.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::actors {

using domain::errc;
using domain::id_t;

shop::shop(shop_options options, std::shared_ptr<domain::clock> clock)
    : impl_(std::make_unique<impl>(std::move(options), std::move(clock))) {}

shop::~shop() { shutdown(); }

void shop::shutdown() { impl_->stop(); }

void shop::issue_coupon(id_t coupon_id, id_t customer_id, callback<domain::issued_coupon> cb) {
  auto& d = *impl_;
  if (!d.accepting)
    return cb(errc::unavailable);
  if (!d.ctx.customer_exists(customer_id))
    return cb(errc::customer_not_found);
  auto c = d.ctx.coupons.find(coupon_id);
  if (!c)
    return cb(errc::coupon_not_found);
  caf::anon_send(*c, issue_atom::value, customer_id, d.make_answer(std::move(cb)));
}

void shop::create_order(id_t customer_id, std::vector<domain::order_line_request> lines,
                        callback<domain::order> cb) {
  auto& d = *impl_;
  if (!d.accepting)
    return cb(errc::unavailable);
  if (!d.ctx.customer_exists(customer_id))
    return cb(errc::customer_not_found);
  auto priced = domain::price_order(lines, d.ctx.catalog);
  if (!priced)
    return cb(priced.error());
  domain::order o;
  o.id = d.next_owned_id(d.ctx.next_order_id);
  o.customer_id = customer_id;
  o.total_price = priced->total_price;
  o.created_at = d.ctx.now();
  o.expires_at = o.created_at + d.ctx.options.order_ttl.count();
  o.lines = std::move(priced->lines);
  if (d.ctx.clustered())
    return spawn_new_cluster_saga(d.ctx, std::move(o), d.make_answer(std::move(cb)));
  spawn_new_saga(d.ctx, std::move(o), d.make_answer(std::move(cb)));
}

void shop::pay(id_t order_id, std::optional<id_t> coupon_id, callback<domain::payment> cb,
               id_t payer) {
  auto& d = *impl_;
  if (!d.accepting)
    return cb(errc::unavailable);
  auto r = d.make_answer(std::move(cb));
  const id_t coupon = coupon_id.value_or(0);
  bool sent = d.ctx.sagas.send_locked(
      order_id, [] { return std::optional<caf::actor>(); },
      [&](const caf::actor& a) { caf::anon_send(a, pay_atom::value, coupon, payer, r); });
  if (sent)
    return;
  // No saga: the order is settled (paid or expired) or does not exist.
  const auto settled = storage::thread_reader(d.ctx.options.db_path).order(order_id);
  if (!settled)
    return r(errc::order_not_found);
  r(payer != 0 && payer != settled->customer_id ? errc::forbidden : errc::order_not_payable);
}

void shop::charge(id_t customer_id, domain::money amount, callback<domain::balance_view> cb) {
  auto& d = *impl_;
  if (!d.accepting)
    return cb(errc::unavailable);
  if (!d.ctx.customer_exists(customer_id))
    return cb(errc::customer_not_found);
  send_to_customer(d.ctx, customer_id, charge_atom::value, amount, d.make_answer(std::move(cb)));
}

void shop::create_coupon(domain::coupon_spec spec, callback<domain::coupon> cb) {
  auto& d = *impl_;
  if (!d.accepting)
    return cb(errc::unavailable);
  if (auto s = domain::validate(spec); !s)
    return cb(s.error());
  domain::coupon c{d.next_owned_id(d.ctx.next_coupon_id, domain::entity_kind::coupon),
                   spec.name,
                   spec.type,
                   spec.discount_amount,
                   spec.total_quantity,
                   spec.total_quantity,
                   spec.started_at,
                   spec.expired_at};
  auto r = d.make_answer(std::move(cb));
  context* ctx = &d.ctx;
  d.writer->submit(storage::create_coupon_label, storage::create_coupon(c),
                   [ctx, c, r](domain::status s) {
                     if (!s)
                       return r(s.error());
                     spawn_coupon(*ctx, c, {});
                     r(c);
                   });
}

void shop::apply_step(storage::step s, callback<storage::step_outcome> cb) {
  auto& d = *impl_;
  if (!d.accepting)
    return cb(errc::unavailable);
  auto out = std::make_shared<storage::step_outcome>();
  auto r = d.make_answer(std::move(cb));
  d.writer->submit(storage::step_label, storage::apply_step(std::move(s), out),
                   [out, r](domain::status applied) {
                     if (!applied)
                       return r(applied.error());
                     r(*out);
                   });
}

std::uint64_t shop::set_step_transport(step_transport* transport) {
  auto& d = *impl_;
  d.ctx.steps = transport;
  storage::connection db(d.ctx.options.db_path, SQLITE_OPEN_READONLY);
  std::unordered_map<id_t, storage::saga_record> paying;
  std::uint64_t started = 0;
  for (auto& r : storage::saga_records(db)) {
    if (r.phase == "paying") {
      paying.emplace(r.order_id, std::move(r));
      continue;
    }
    spawn_log_cleanup(d.ctx, std::move(r)); // "reserving" or "releasing": the order is not open
    ++started;
  }
  for (auto& o : storage::thread_reader(d.ctx.options.db_path).open_orders()) {
    std::optional<storage::saga_record> in_flight;
    if (auto it = paying.find(o.id); it != paying.end()) {
      in_flight = std::move(it->second);
      paying.erase(it);
    }
    spawn_recovered_cluster_saga(d.ctx, std::move(o), std::move(in_flight));
    ++started;
  }
  for (const auto& [order_id, r] : paying)
    d.skip_stale_paying_log(r);
  return started;
}

// A "paying" row is written only while the order is CREATED, and every way out of that phase
// closes or replaces it in the commit that ends it (the payment's own commit, the compensation's
// close, the expiry's "releasing" row), so a row left with its order PAID, EXPIRED or gone should
// not occur. If it does, nothing is undone from here: with the order PAID the row's attempt may
// be the one that paid (unselling and unusing would take back a paid order's goods and coupon);
// with it EXPIRED the expiry already released the reservations (an unsell would put back stock
// the order no longer holds). The all-nodes audit tells whether anything is unbalanced. Closing
// the row is safe: recovery acts on a "paying" row only for an open order, and an order never
// becomes CREATED again; the row stays (done), so its order id is never handed out again; and
// the update applies only to this attempt's row while the order is still not CREATED at commit.
void shop::impl::skip_stale_paying_log(const storage::saga_record& r) {
  ++saga_recovery_skipped;
  storage::log_fields(storage::log_level::warn,
                      "saga recovery: a \"paying\" saga log row whose order is no longer open; "
                      "nothing compensated, the row is closed",
                      {{"order_id", r.order_id},
                       {"attempt", static_cast<std::int64_t>(r.attempt)},
                       {"coupon_id", r.coupon_id}});
  writer->submit(storage::saga_log_label, storage::end_stale_paying_log(r.order_id, r.attempt),
                 [](domain::status) {}); // a failed close: met again at the next start
}

} // namespace actorshop::actors
