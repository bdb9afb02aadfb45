#include "actors/order_saga.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/customer.hpp"
#include "domain/discount.hpp"
#include "storage/order_units.hpp"

namespace actorshop::actors {
namespace {

using domain::errc;
using domain::id_t;
// No timeout on asks: stock and coupon actors answer at once (a dead one answers with an error),
// and a finite timeout costs a timer on CAF's clock thread per request, i.e. a thread wake-up.
const caf::duration ask_timeout{caf::infinite};

caf::actor self_handle(saga_actor* self) { return caf::actor_cast<caf::actor>(self); }

// Unregisters the saga; messages already queued still get an answer before the stop arrives.
void finish(saga_actor* self) {
  self->state.phase = saga_phase::done;
  self->state.ctx->expiries->cancel(self->state.order.id);
  self->state.ctx->sagas.erase(self->state.order.id);
  self->send(self, stop_atom::value);
}

void release_lines(saga_actor* self, const std::vector<domain::status>* only_ok) {
  const auto& lines = self->state.order.lines;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (!only_ok || (*only_ok)[i])
      if (auto* s = self->state.ctx->stock_of(lines[i].option_id))
        self->send(*s, release_atom::value, lines[i].qty);
}

// The shared expiry timer, not delayed_send: CAF's clock would wake its thread for every order.
void schedule_expiry(saga_actor* self) {
  self->state.ctx->expiries->schedule(self->state.order.id, self->state.order.expires_at);
}

// All reservations answered: persist the order, or give back what was reserved.
void on_all_reserved(saga_actor* self) {
  auto& st = self->state;
  for (auto reserved : st.reserve_results)
    if (!reserved) {
      release_lines(self, &st.reserve_results);
      st.created_answer(reserved.error());
      return finish(self);
    }
  st.phase = saga_phase::persisting;
  auto me = self_handle(self);
  // On success the client is answered right here on the writer thread (one actor hop less);
  // `created` is sent first, so anything the client sends next reaches the saga after it.
  auto o = std::make_shared<const domain::order>(st.order); // one copy for the unit and the answer
  st.ctx->writer->submit(storage::create_order_label, storage::create_order(o),
                         [me, client = st.created_answer, o](domain::status s) {
                           caf::anon_send(me, created_atom::value, s);
                           if (s)
                             client(*o);
                         });
}

void on_created(saga_actor* self, domain::status persisted) {
  auto& st = self->state;
  if (!persisted) {
    release_lines(self, nullptr);
    st.created_answer(persisted.error());
    return finish(self);
  }
  st.phase = saga_phase::created;
  st.created_answer(st.order);
  st.created_answer = {};
  schedule_expiry(self);
}

void reserve_all(saga_actor* self) {
  auto& st = self->state;
  const auto& lines = st.order.lines;
  st.reserve_results.assign(lines.size(), domain::status::ok());
  st.reserve_pending = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto on_answer = [self, i](domain::status reserved) {
      self->state.reserve_results[i] = reserved;
      if (--self->state.reserve_pending == 0)
        on_all_reserved(self);
    };
    const caf::actor* stock = st.ctx->stock_of(lines[i].option_id);
    if (!stock) {
      on_answer(errc::product_option_not_found);
      continue;
    }
    self->request(*stock, ask_timeout, reserve_atom::value, lines[i].qty)
        .then(on_answer, [on_answer](caf::error&) { on_answer(errc::unavailable); });
  }
}

// Asks the customer actor to settle the payment (debit and commit as one unit); the outcome
// comes back as `paid`.
void request_settlement(saga_actor* self, domain::discounted_price price) {
  auto& st = self->state;
  payment_job job;
  auto& p = job.payment;
  p.id = ++st.ctx->next_payment_id;
  p.order_id = st.order.id;
  p.customer_id = st.order.customer_id;
  p.coupon_id = st.pay_coupon;
  p.original_price = price.original;
  p.discount_amount = price.discount;
  p.discounted_price = price.final_price;
  p.paid_at = st.ctx->now();
  job.lines = st.order.lines;
  auto me = self_handle(self);
  std::vector<std::pair<id_t, domain::quantity>> sold;
  for (const auto& l : st.order.lines)
    sold.emplace_back(l.option_id, l.qty);
  // Runs on the writer thread once the payment unit committed (or failed). In this order: the saga
  // learns the outcome (so the client's next message finds the order PAID), the stock and coupon
  // actors are told (so that once the client is answered their memory equals the committed rows),
  // then the client is answered from here, one actor hop sooner than through the saga.
  answer_once<domain::payment> r(
      [me, ctx = st.ctx, client = st.pay_answer, sold = std::move(sold), coupon = st.pay_coupon,
       customer = st.order.customer_id](domain::result<domain::payment> res) {
        caf::anon_send(me, paid_atom::value, res);
        if (!res)
          return; // the saga compensates and answers
        for (const auto& [option, qty] : sold)
          if (const auto* s = ctx->stock_of(option))
            caf::anon_send(*s, sold_atom::value, qty);
        if (coupon)
          if (auto c = ctx->coupons.find(*coupon))
            caf::anon_send(*c, confirm_atom::value, customer);
        client(*res);
      });
  send_to_customer(*st.ctx, st.order.customer_id, settle_atom::value, std::move(job), std::move(r));
}

// A payment step failed: restore the coupon (if one was taken) and stay payable.
void fail_payment(saga_actor* self, errc e) {
  auto& st = self->state;
  if (st.pay_coupon)
    if (auto c = st.ctx->coupons.find(*st.pay_coupon))
      self->send(*c, restore_atom::value, st.order.customer_id);
  st.phase = saga_phase::created;
  auto r = std::move(st.pay_answer);
  st.pay_answer = {};
  r(e);
}

void on_paid(saga_actor* self, const domain::result<domain::payment>& paid) {
  auto& st = self->state;
  if (!paid)
    return fail_payment(self, paid.error());
  st.pay_answer = {}; // answered by the commit's callback (see request_settlement)
  finish(self);
}

void use_coupon(saga_actor* self, id_t coupon_id) {
  auto& st = self->state;
  auto c = st.ctx->coupons.find(coupon_id);
  if (!c)
    return fail_payment(self, errc::customer_coupon_not_found);
  self->request(*c, ask_timeout, use_atom::value, st.order.customer_id)
      .then(
          [self](const domain::result<discount_terms>& terms) {
            if (!terms) {
              self->state.pay_coupon.reset(); // nothing was taken
              return fail_payment(self, terms.error());
            }
            auto price =
                domain::apply_discount(self->state.order.total_price, terms->type, terms->amount);
            if (!price)
              return fail_payment(self, price.error());
            request_settlement(self, *price);
          },
          [self](caf::error&) { fail_payment(self, errc::unavailable); });
}

// `payer` 0: anyone may pay (open mode); otherwise only the order's customer (token mode), and
// that is checked before the order's state, which would tell a stranger whether it is payable.
void pay(saga_actor* self, id_t coupon_or_zero, id_t payer, const answer_once<domain::payment>& r) {
  auto& st = self->state;
  if (payer != 0 && payer != st.order.customer_id)
    return r(errc::forbidden);
  if (st.phase != saga_phase::created)
    return r(errc::order_not_payable);
  st.phase = saga_phase::paying;
  st.pay_answer = r;
  st.pay_coupon.reset();
  if (coupon_or_zero == 0)
    return request_settlement(self, domain::no_discount(st.order.total_price));
  st.pay_coupon = coupon_or_zero;
  use_coupon(self, coupon_or_zero);
}

void expire(saga_actor* self) {
  auto& st = self->state;
  if (st.phase == saga_phase::paying) // decide after the payment: retry shortly
    return self->delayed_send(self, std::chrono::milliseconds(100), expire_atom::value);
  if (st.phase != saga_phase::created)
    return;
  st.phase = saga_phase::expiring;
  auto me = self_handle(self);
  st.ctx->writer->submit(storage::expire_order_label, storage::expire_order(st.order),
                         [me](domain::status s) { caf::anon_send(me, expired_atom::value, s); });
}

void on_expired(saga_actor* self, domain::status expired) {
  if (!expired) { // the database refused: stay open and try again later
    self->state.phase = saga_phase::created;
    return self->delayed_send(self, std::chrono::seconds(1), expire_atom::value);
  }
  release_lines(self, nullptr);
  finish(self);
}

caf::behavior saga_behavior(saga_actor* self, context* ctx, domain::order o, bool recovered,
                            answer_once<domain::order> r) {
  auto& st = self->state;
  st.ctx = ctx;
  st.order = std::move(o);
  st.created_answer = std::move(r);
  if (recovered) {
    st.phase = saga_phase::created;
    schedule_expiry(self);
  } else {
    reserve_all(self);
  }
  return {
      [=](created_atom, domain::status persisted) { on_created(self, persisted); },
      [=](pay_atom, id_t coupon, id_t payer, const answer_once<domain::payment>& pr) {
        observe_mailbox_time(actor_kind::order_saga, pr.sent_at());
        pay(self, coupon, payer, pr);
      },
      [=](paid_atom, const domain::result<domain::payment>& paid) { on_paid(self, paid); },
      [=](expire_atom) { expire(self); },
      [=](expired_atom, domain::status expired) { on_expired(self, expired); },
      [=](stop_atom) { self->quit(); },
      [](peek_atom) {}, // the wake-up of a lazily spawned saga
  };
}

void spawn_saga(context& ctx, domain::order o, bool recovered, answer_once<domain::order> r) {
  const auto id = o.id;
  // Spawned lazily so that it is registered before it runs (and may unregister itself).
  auto a =
      ctx.system->spawn<caf::lazy_init>(saga_behavior, &ctx, std::move(o), recovered, std::move(r));
  ctx.sagas.insert(id, a);
  caf::anon_send(a, peek_atom::value); // wakes the lazy actor
}

} // namespace

void spawn_new_saga(context& ctx, domain::order o, answer_once<domain::order> r) {
  spawn_saga(ctx, std::move(o), false, std::move(r));
}

void spawn_recovered_saga(context& ctx, domain::order o) {
  spawn_saga(ctx, std::move(o), true, {});
}

} // namespace actorshop::actors
