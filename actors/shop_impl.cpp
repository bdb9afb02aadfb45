// The shop's wiring: options into the writer, the reference data, the actor system, the order
// expiry timer and the outbox dispatcher; recovery of state; and the orderly stop.
#include "actors/shop_impl.hpp"

#include <caf/send.hpp>
#include <sqlite3.h>

#include <thread>

#include "actors/atoms.hpp"
#include "actors/recovery.hpp"
#include "storage/sqlite.hpp"
#include "storage/step_units.hpp"

namespace actorshop::actors {

using domain::id_t;

shop::impl::impl(shop_options o, std::shared_ptr<domain::clock> c) : clock(std::move(c)) {
  const auto started = std::chrono::steady_clock::now();
  ctx.options = std::move(o);
  ctx.clock = clock.get();
  start_writer();
  if (ctx.clustered()) { // the step and saga tables exist in cluster mode only
    storage::connection db(ctx.options.db_path, SQLITE_OPEN_READWRITE);
    db.busy_timeout(5'000);
    storage::create_step_tables(db);
  }
  storage::reader rd(ctx.options.db_path);
  load_reference(ctx, rd);
  if (ctx.clustered()) { // an order id names its steps: never reuse one, committed or not
    storage::connection db(ctx.options.db_path, SQLITE_OPEN_READONLY);
    ctx.next_order_id = std::max(ctx.next_order_id.load(), storage::max_logged_order(db));
  }
  start_actor_system();
  expiries = std::make_unique<order_expiry_timer>(*clock, [this](id_t order_id) {
    ctx.sagas.send_locked(
        order_id, [] { return std::optional<caf::actor>(); },
        [](const caf::actor& a) { caf::anon_send(a, expire_atom::value); });
  });
  ctx.expiries = expiries.get();
  clock_jumps = clock->on_jump([this] { on_clock_jump(); });
  const auto spawned = spawn_entities(ctx, rd); // recovery: actors and open orders
  recovered.products = ctx.catalog.products().size();
  recovered.customers = ctx.customer_ids.size();
  recovered.stock_rows = spawned.stock_rows;
  recovered.coupons = spawned.coupons;
  recovered.unpaid_orders = spawned.open_orders;
  storage::outbox_options events_options;
  events_options.retention = ctx.options.event_retention;
  events_options.max_backlog = ctx.options.event_max_backlog;
  events_options.clock = clock;
  events = std::make_unique<storage::outbox_dispatcher>(
      ctx.options.db_path, ctx.options.event_sink, *writer, nullptr, std::move(events_options));
  recovered.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  accepting = true;
}

void shop::impl::start_writer() {
  const auto& opt = ctx.options;
  storage::writer_options wo{opt.db_path, opt.sync, opt.max_pending_writes, 8'192};
  wo.max_bytes = opt.max_db_bytes;
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
}

void shop::impl::start_actor_system() {
  cfg.set("scheduler.max-threads",
          static_cast<std::size_t>(std::max(1, ctx.options.actor_threads)));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  // Work stealing parks idle workers in 10 ms sleeps (relaxed phase), and our actors idle while
  // the writer commits, so every answer would wait for a sleeping worker: the sharing policy
  // wakes a worker through a condition variable the moment a message arrives.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  system = std::make_unique<caf::actor_system>(cfg);
  ctx.system = system.get();
}

// A jump of the clock (a test advancing it) may have passed deadlines that the expiry timer and
// the customers' idle ticks sleep towards in real time: have them look at the clock now.
void shop::impl::on_clock_jump() {
  expiries->poke();
  ctx.customers.for_each([](const caf::actor& a) { caf::anon_send(a, recheck_atom::value); });
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
  clock_jumps.reset();
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

} // namespace actorshop::actors
