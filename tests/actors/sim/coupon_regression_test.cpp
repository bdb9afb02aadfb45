// The coupon bug the simulation found (seed 45), replayed step by step on the test coordinator so
// that it does not depend on what a seed happens to do.
#include <catch2/catch.hpp>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/coupon.hpp"
#include "sim_run.hpp"
#include "storage/reader.hpp"
#include "world.hpp"

namespace actorshop::sim {

TEST_CASE("coupon: a copy a payment took while its issuance failed does not come back", "[sim]") {
  sim_db db;
  auto conn = open_dataset(db.path());
  sim_writer writer(conn);
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys(cfg);
  sys.await_actors_before_shutdown(false);
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  domain::manual_clock clock(data::start);
  actors::context ctx;
  ctx.clock = &clock;
  ctx.system = &sys;
  ctx.writer = &writer;
  ctx.options.db_path = db.path();
  auto c = storage::thread_reader(db.path()).coupon(902);
  REQUIRE(c);
  const auto total = c->total_quantity;
  auto coupon = actors::spawn_coupon(ctx, *c, {});
  const domain::id_t customer = data::first_customer;

  std::optional<domain::errc> issue_error;
  caf::anon_send(coupon, actors::issue_atom::value, customer,
                 actors::answer_once<domain::issued_coupon>([&](auto r) {
                   if (!r)
                     issue_error = r.error();
                 }));
  sched.run();
  REQUIRE(writer.pending() == 1); // the issuance is decided in memory, its unit queued
  // A payment takes the copy before the issuance is durable...
  caf::anon_send(coupon, actors::use_atom::value, customer);
  sched.run();
  // ...then the issue unit fails, and so (no AVAILABLE row) does the payment, which restores.
  auto batch = writer.commit(1, commit_fault::unit_fails, 0);
  sim_writer::answer(batch);
  sched.run();
  CHECK(issue_error == domain::errc::storage_failure);
  caf::anon_send(coupon, actors::restore_atom::value, customer);
  sched.run();

  auto* self = dynamic_cast<actors::coupon_actor*>(caf::actor_cast<caf::abstract_actor*>(coupon));
  REQUIRE(self);
  CHECK(self->state.holders.empty()); // before the fix: the customer, AVAILABLE, in memory only
  CHECK(self->state.pending_use.empty());
  CHECK(self->state.coupon.current_quantity == total);
  CHECK(conn.query_int64("SELECT count(*) FROM customer_coupon") == 0);

  caf::anon_send_exit(coupon, caf::exit_reason::kill);
  ctx.coupons.clear();
  sched.run();
}

} // namespace actorshop::sim
