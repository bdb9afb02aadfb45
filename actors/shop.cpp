// The facade: wires options into the writer, the reference data, the actor system and the outbox
// dispatcher; recovers state; and turns each command into one message to its owning actor.
#include "actors/shop.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <thread>

#include "actors/coupon.hpp"
#include "actors/customer.hpp"
#include "actors/events.hpp"
#include "actors/order_saga.hpp"
#include "actors/stock.hpp"
#include "actors/units.hpp"
#include "domain/coupon_rules.hpp"
#include "domain/pricing.hpp"
#include "storage/reader.hpp"

namespace actorshop::actors {

using domain::errc;
using domain::id_t;

struct shop::impl {
  context ctx;
  std::unique_ptr<storage::writer> writer;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<outbox_dispatcher> events;
  std::unique_ptr<expiry_timer> expiries;
  std::atomic<bool> accepting{false};
  std::atomic<bool> stopped{false};

  explicit impl(shop_options o);
  void load_reference(storage::reader& rd);
  void spawn_entities(storage::reader& rd);
  template <class T> answer_once<T> make_answer(callback<T> cb) {
    return answer_once<T>(std::move(cb), ctx.inflight);
  }
  void stop();
};

shop::impl::impl(shop_options o) {
  ctx.options = std::move(o);
  const auto& opt = ctx.options;
  storage::writer_options wo{opt.db_path, opt.sync, opt.max_pending_writes, 8'192};
  // Every batch pays one fsync: keeping its transaction open for the clients the previous batch
  // answered (they come straight back through the actors, and their units run as they arrive)
  // lets one fsync serve more units. With FULL the writer waits for that fsync, so it lingers up
  // to 2 ms; with FULL_PIPELINED the fsync runs beside the next batch, and 0.5 ms measured best
  // (actor_bench pairs, 100 clients: ~55 units per batch, +15% pairs/s over no linger).
  wo.linger_us = opt.sync == storage::sync_mode::full             ? 2'000
                 : opt.sync == storage::sync_mode::full_pipelined ? 500
                                                                  : 0;
  writer = std::make_unique<storage::writer>(std::move(wo));
  ctx.writer = writer.get();
  storage::reader rd(opt.db_path);
  load_reference(rd);
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(std::max(1, opt.actor_threads)));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  // Work stealing parks idle workers in 10 ms sleeps (relaxed phase), and our actors idle while
  // the writer commits, so every answer would wait for a sleeping worker: the sharing policy
  // wakes a worker through a condition variable the moment a message arrives.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  system = std::make_unique<caf::actor_system>(cfg);
  ctx.system = system.get();
  expiries = std::make_unique<expiry_timer>([this](id_t order_id) {
    ctx.sagas.send_locked(
        order_id, [] { return std::optional<caf::actor>(); },
        [](const caf::actor& a) { caf::anon_send(a, expire_atom::value); });
  });
  ctx.expiries = expiries.get();
  spawn_entities(rd);
  events = std::make_unique<outbox_dispatcher>(opt.db_path, opt.event_sink, *writer);
  accepting = true;
}

void shop::impl::load_reference(storage::reader& rd) {
  ctx.catalog = rd.load_catalog();
  ctx.customer_ids = rd.customer_ids();
  std::sort(ctx.customer_ids.begin(), ctx.customer_ids.end());
  ctx.next_order_id = rd.max_order_id();
  ctx.next_payment_id = rd.max_payment_id();
  ctx.next_coupon_id = rd.max_coupon_id();
}

// Recovery: every stock row and coupon gets its actor; every open order its saga (an overdue one
// expires at once). Stock rows already count the reservations of open orders.
void shop::impl::spawn_entities(storage::reader& rd) {
  for (const auto& row : rd.stocks())
    ctx.stocks.emplace(row.option_id, system->spawn(stock_behavior, row));
  for (auto id : rd.coupon_ids()) {
    auto c = rd.coupon(id);
    if (!c)
      continue;
    std::unordered_map<id_t, domain::coupon_status> holders;
    for (const auto& [customer, status] : rd.coupon_holders(id))
      holders.emplace(customer, status);
    spawn_coupon(ctx, std::move(*c), std::move(holders));
  }
  for (auto& o : rd.open_orders())
    spawn_recovered_saga(ctx, std::move(o));
}

void shop::impl::stop() {
  if (stopped.exchange(true))
    return;
  accepting = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ctx.inflight->count.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  events.reset();
  writer->flush();
  writer->stop();
  // Actors may still be running (e.g. a saga expiring): keep the maps they read until the
  // system is gone; `stopping` keeps new customer actors from appearing while we kill.
  ctx.stopping = true;
  expiries->stop(); // no expiry is sent from here on; sagas may still schedule (ignored)
  auto kill = [](const caf::actor& a) { caf::anon_send_exit(a, caf::exit_reason::user_shutdown); };
  ctx.sagas.for_each(kill);
  ctx.customers.for_each(kill);
  ctx.coupons.for_each(kill);
  for (auto& [id, a] : ctx.stocks)
    kill(a);
  system.reset(); // waits until every actor is gone
  ctx.coupons.clear();
  ctx.customers.clear();
  ctx.sagas.clear();
  ctx.stocks.clear();
}

shop::shop(shop_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

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
  o.id = ++d.ctx.next_order_id;
  o.customer_id = customer_id;
  o.total_price = priced->total_price;
  o.created_at = domain::now_ms();
  o.expires_at = o.created_at + d.ctx.options.order_ttl.count();
  o.lines = std::move(priced->lines);
  spawn_new_saga(d.ctx, std::move(o), d.make_answer(std::move(cb)));
}

void shop::pay(id_t order_id, std::optional<id_t> coupon_id, callback<domain::payment> cb) {
  auto& d = *impl_;
  if (!d.accepting)
    return cb(errc::unavailable);
  auto r = d.make_answer(std::move(cb));
  const id_t coupon = coupon_id.value_or(0);
  bool sent = d.ctx.sagas.send_locked(
      order_id, [] { return std::optional<caf::actor>(); },
      [&](const caf::actor& a) { caf::anon_send(a, pay_atom::value, coupon, r); });
  if (sent)
    return;
  // No saga: the order is settled (paid or expired) or does not exist.
  bool exists = storage::thread_reader(d.ctx.options.db_path).order(order_id).has_value();
  r(exists ? errc::order_not_payable : errc::order_not_found);
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
  domain::coupon c{++d.ctx.next_coupon_id, spec.name,           spec.type,
                   spec.discount_amount,   spec.total_quantity, spec.total_quantity,
                   spec.started_at,        spec.expired_at};
  auto r = answer_once<domain::coupon>(std::move(cb), d.ctx.inflight);
  context* ctx = &d.ctx;
  d.writer->submit(units::coupon_label, units::create_coupon(c), [ctx, c, r](domain::status s) {
    if (!s)
      return r(s.error());
    spawn_coupon(*ctx, c, {});
    r(c);
  });
}

// --- queries ---

domain::result<domain::balance_view> shop::balance(id_t customer_id) {
  auto b = storage::thread_reader(impl_->ctx.options.db_path).balance(customer_id);
  if (!b)
    return errc::customer_not_found;
  return *b;
}

domain::result<std::vector<domain::balance_change>> shop::balance_history(id_t customer_id) {
  if (!impl_->ctx.customer_exists(customer_id))
    return errc::customer_not_found;
  return storage::thread_reader(impl_->ctx.options.db_path).balance_history(customer_id);
}

std::vector<domain::product_summary> shop::products() {
  return storage::thread_reader(impl_->ctx.options.db_path).products();
}

domain::result<domain::product_detail> shop::product(id_t product_id) {
  auto p = storage::thread_reader(impl_->ctx.options.db_path).product(product_id);
  if (!p)
    return errc::product_not_found;
  return *p;
}

domain::result<std::vector<domain::popular_product>> shop::popular(int days) {
  if (days < 1 || days > 30)
    return errc::invalid_period;
  return storage::thread_reader(impl_->ctx.options.db_path).popular(days, domain::now_ms(), 5);
}

domain::result<std::vector<domain::wallet_coupon>> shop::customer_coupons(id_t customer_id) {
  if (!impl_->ctx.customer_exists(customer_id))
    return errc::customer_not_found;
  return storage::thread_reader(impl_->ctx.options.db_path).customer_coupons(customer_id);
}

domain::result<domain::order> shop::order(id_t order_id) {
  auto o = storage::thread_reader(impl_->ctx.options.db_path).order(order_id);
  if (!o)
    return errc::order_not_found;
  return *o;
}

shop_stats shop::stats() const {
  const auto& d = *impl_;
  auto w = d.writer->stats();
  shop_stats s;
  s.live_customer_actors = d.ctx.customers.size();
  s.live_order_sagas = d.ctx.sagas.size();
  s.writes_committed = w.units_committed;
  s.writes_failed = w.units_failed;
  s.write_batches = w.batches;
  s.write_queue_depth = w.queue_depth;
  if (d.events) {
    s.events_pending = d.events->pending();
    s.events_delivered = d.events->delivered();
  }
  return s;
}

const shop_options& shop::options() const { return impl_->ctx.options; }

storage::writer& shop::writer_for_tests() { return *impl_->writer; }

std::optional<stock_snapshot> shop::stock_in_memory(id_t option_id) {
  auto* a = impl_->ctx.stock_of(option_id);
  if (!a || !impl_->system)
    return std::nullopt;
  caf::scoped_actor self{*impl_->system};
  std::optional<stock_snapshot> out;
  self->request(*a, std::chrono::seconds(10), peek_atom::value)
      .receive(
          [&](const stock_levels& lv) {
            out = stock_snapshot{lv.available, lv.reserved, lv.sold};
          },
          [](caf::error&) {});
  return out;
}

std::optional<coupon_snapshot> shop::coupon_in_memory(id_t coupon_id) {
  auto a = impl_->ctx.coupons.find(coupon_id);
  if (!a || !impl_->system)
    return std::nullopt;
  caf::scoped_actor self{*impl_->system};
  std::optional<coupon_snapshot> out;
  self->request(*a, std::chrono::seconds(10), peek_atom::value)
      .receive(
          [&](const domain::coupon& c, std::int64_t holders) {
            out = coupon_snapshot{c, holders};
          },
          [](caf::error&) {});
  return out;
}

} // namespace actorshop::actors
