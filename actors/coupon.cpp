#include "actors/coupon.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "domain/coupon_rules.hpp"
#include "storage/coupon_units.hpp"

namespace actorshop::actors {
namespace {

using domain::coupon_status;
using domain::errc;
using domain::id_t;

// Decides one issuance in memory; on success hands the unit to the writer and answers after the
// commit (or rolls back through an undo message if the unit failed).
void issue(coupon_actor* self, id_t customer, const answer_once<domain::issued_coupon>& r) {
  auto& st = self->state;
  const auto now = st.ctx->now();
  auto left = domain::decide_issue(st.coupon, st.holders.count(customer) > 0, now);
  if (!left)
    return r(left.error());
  st.coupon.current_quantity = *left;
  st.remaining->store(*left, std::memory_order_relaxed);
  st.holders.emplace(customer, coupon_status::available);
  const id_t coupon_id = st.coupon.id;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.ctx->writer->submit(
      storage::issue_coupon_label, storage::issue_coupon(coupon_id, customer, now),
      [=](domain::status s) {
        if (s)
          return r(domain::issued_coupon{coupon_id, customer, coupon_status::available});
        caf::anon_send(me, undo_atom::value, customer, s, r);
      });
}

// Undoes an issuance whose unit failed, then answers the error. A payment may already have taken
// the copy (use) before the failure came back: its unit will fail too (there is no AVAILABLE row),
// and the copy must not come back to life when that payment restores it, so the pending use goes
// with the copy. Found by the simulation (tests/actors/sim, seed 45).
void undo_issue(coupon_actor* self, id_t customer, domain::status failure,
                const answer_once<domain::issued_coupon>& r) {
  auto& st = self->state;
  st.coupon.current_quantity += 1;
  st.remaining->store(st.coupon.current_quantity, std::memory_order_relaxed);
  st.holders.erase(customer);
  st.pending_use.erase(customer);
  r(failure.error());
}

// Marks a holder's copy USED (pending) for a payment, answering the discount terms.
domain::result<discount_terms> use(coupon_actor* self, id_t customer) {
  auto& st = self->state;
  auto it = st.holders.find(customer);
  std::optional<coupon_status> held;
  if (it != st.holders.end())
    held = it->second;
  auto s = domain::decide_use(held, st.coupon.expired_at, st.ctx->now());
  if (!s)
    return s.error();
  it->second = coupon_status::used;
  st.pending_use.insert(customer);
  return discount_terms{st.coupon.type, st.coupon.discount_amount};
}

} // namespace

caf::behavior coupon_behavior(coupon_actor* self, context* ctx, domain::coupon c,
                              std::unordered_map<domain::id_t, domain::coupon_status> holders) {
  self->state.ctx = ctx;
  self->state.remaining = ctx->coupon_remaining.slot(c.id, c.current_quantity);
  self->state.coupon = std::move(c);
  self->state.holders = std::move(holders);
  return {
      [=](issue_atom, id_t customer, const answer_once<domain::issued_coupon>& r) {
        observe_mailbox_time(actor_kind::coupon, r.sent_at());
        issue(self, customer, r);
      },
      [=](undo_atom, id_t customer, domain::status failure,
          const answer_once<domain::issued_coupon>& r) { undo_issue(self, customer, failure, r); },
      [=](use_atom, id_t customer) { return use(self, customer); },
      [=](restore_atom, id_t customer) {
        if (self->state.pending_use.erase(customer))
          self->state.holders[customer] = coupon_status::available;
      },
      [=](confirm_atom, id_t customer) { self->state.pending_use.erase(customer); },
      [=](peek_atom) {
        auto c2 = self->state.coupon;
        return caf::make_message(std::move(c2),
                                 static_cast<std::int64_t>(self->state.holders.size()));
      },
  };
}

caf::actor spawn_coupon(context& ctx, domain::coupon c,
                        std::unordered_map<domain::id_t, domain::coupon_status> holders) {
  const auto id = c.id;
  auto a = ctx.system->spawn(coupon_behavior, &ctx, std::move(c), std::move(holders));
  ctx.coupons.insert(id, a);
  return a;
}

} // namespace actorshop::actors
