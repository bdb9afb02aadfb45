#include "actors/customer.hpp"

#include "domain/balance.hpp"
#include "storage/balance_units.hpp"
#include "storage/order_units.hpp"
#include "storage/reader.hpp"

namespace actorshop::actors {
namespace {

using domain::errc;

// Submits `unit`, counting it in flight until its completion ran (passivation waits for zero).
void submit_tracked(customer_actor* self, const char* label, storage::unit_fn unit,
                    std::function<void(domain::status)> done) {
  auto counter = self->state.in_flight;
  counter->fetch_add(1);
  self->state.ctx->writer->submit(label, std::move(unit),
                                  [counter, done = std::move(done)](domain::status s) {
                                    done(s);
                                    if (s) // on failure the undo handler decrements
                                      counter->fetch_sub(1);
                                  });
}

void charge(customer_actor* self, domain::money amount,
            const answer_once<domain::balance_view>& r) {
  auto& st = self->state;
  auto after = domain::charge(st.balance, amount, st.ctx->options.max_charge);
  if (!after)
    return r(after.error());
  st.balance = *after;
  auto total = std::make_shared<domain::money>(0);
  caf::actor me = caf::actor_cast<caf::actor>(self);
  const auto id = st.id;
  submit_tracked(self, storage::charge_balance_label,
                 storage::charge_balance(id, amount, st.ctx->now(), total), [=](domain::status s) {
                   if (s)
                     return r(domain::balance_view{id, *total});
                   caf::anon_send(me, undo_atom::value, -amount, s, r);
                 });
}

// Debits the balance in memory and commits the payment unit; answers after the commit.
void settle(customer_actor* self, payment_job& job, const answer_once<domain::payment>& r) {
  auto& st = self->state;
  const auto price = job.payment.discounted_price;
  auto after = domain::debit(st.balance, price);
  if (!after)
    return r(after.error());
  st.balance = *after;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  auto p = job.payment;
  // No sink, no event rows: nobody would ever deliver (or delete) them.
  const bool events = !st.ctx->options.event_sink.empty();
  // Cluster mode: stock and coupon were saga steps on their owners; this is the saga's pivot.
  auto unit = st.ctx->clustered() ? storage::pay_order_clustered(std::move(job), events)
                                  : storage::pay_order(std::move(job), events);
  submit_tracked(self, storage::pay_order_label, std::move(unit), [=](domain::status s) {
    if (s)
      return r(p);
    caf::anon_send(me, undo_atom::value, price, s, r);
  });
}

// Rolls a failed unit's balance change back in memory (`delta` is what to add) and answers.
template <class T>
void undo(customer_actor* self, domain::money delta, domain::status failure,
          const answer_once<T>& r) {
  self->state.balance += delta;
  self->state.in_flight->fetch_sub(1);
  r(failure.error());
}

std::chrono::milliseconds idle_for(customer_actor* self) {
  return std::chrono::milliseconds(self->state.ctx->now() - self->state.last_active);
}

std::chrono::milliseconds idle_limit(customer_actor* self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      self->state.ctx->options.passivate_after);
}

// Passivates when idle with nothing in flight and no message on its way through the registry.
// Returns whether the actor quit.
bool passivate_if_idle(customer_actor* self) {
  auto& st = self->state;
  if (idle_for(self) >= idle_limit(self) && st.in_flight->load() == 0 &&
      st.ctx->customers.retire(st.id, self->address(), st.received)) {
    self->quit();
    return true;
  }
  return false;
}

// The periodic idle check: passivates, or looks again when the idle limit may have passed.
void tick(customer_actor* self) {
  if (passivate_if_idle(self))
    return;
  const auto idle = idle_for(self), limit = idle_limit(self);
  auto wait = idle >= limit ? limit : limit - idle;
  self->delayed_send(self, std::max(wait, std::chrono::milliseconds(1)), tick_atom::value);
}

void touch(customer_actor* self) {
  ++self->state.received;
  self->state.last_active = self->state.ctx->now();
}

} // namespace

caf::behavior customer_behavior(customer_actor* self, context* ctx, domain::id_t id) {
  auto& st = self->state;
  st.ctx = ctx;
  st.id = id;
  st.in_flight = std::make_shared<std::atomic<int>>(0);
  st.last_active = ctx->now();
  if (auto b = storage::thread_reader(ctx->options.db_path).balance(id))
    st.balance = b->amount;
  self->delayed_send(self, ctx->options.passivate_after, tick_atom::value);
  return {
      [=](charge_atom, domain::money amount, const answer_once<domain::balance_view>& r) {
        observe_mailbox_time(actor_kind::customer, r.sent_at());
        touch(self);
        charge(self, amount, r);
      },
      [=](settle_atom, payment_job& job, const answer_once<domain::payment>& r) {
        touch(self);
        settle(self, job, r);
      },
      [=](undo_atom, domain::money delta, domain::status failure,
          const answer_once<domain::balance_view>& r) { undo(self, delta, failure, r); },
      [=](undo_atom, domain::money delta, domain::status failure,
          const answer_once<domain::payment>& r) { undo(self, delta, failure, r); },
      [=](tick_atom) { tick(self); },
      [=](recheck_atom) { passivate_if_idle(self); }, // the clock jumped
  };
}

} // namespace actorshop::actors
