// The simulated clients: they send the shop's commands the way the shop facade (actors/shop.cpp)
// does, to whichever actors the current incarnation has, and remember what was acknowledged.
#include <caf/send.hpp>

#include "actors/coupon.hpp"
#include "actors/customer.hpp"
#include "actors/order_saga.hpp"
#include "domain/pricing.hpp"
#include "storage/reader.hpp"
#include "world.hpp"

namespace actorshop::sim {

using domain::errc;
using domain::id_t;

void world::client_step() {
  const auto roll = pick(100);
  if (roll < 35)
    create_order();
  else if (roll < 70)
    pay();
  else if (roll < 88)
    charge();
  else
    issue_coupon();
}

void world::create_order() {
  const id_t customer = data::first_customer + static_cast<id_t>(pick(data::customers));
  std::vector<domain::order_line_request> lines;
  const auto count = 1 + pick(2);
  for (std::size_t i = 0; i < count; ++i) {
    const id_t option = data::options[pick(data::options.size())];
    lines.push_back({option == 21 ? 2 : 1, option, 1 + static_cast<domain::quantity>(pick(4))});
  }
  auto priced = domain::price_order(lines, ctx_->catalog);
  if (!priced)
    return; // the same option twice is refused before any actor
  domain::order o;
  o.id = ++ctx_->next_order_id;
  o.customer_id = customer;
  o.total_price = priced->total_price;
  o.created_at = ctx_->now();
  o.expires_at = o.created_at + ctx_->options.order_ttl.count();
  o.lines = std::move(priced->lines);
  note("client: create order " + std::to_string(o.id) + " for " + std::to_string(customer));
  orders_.push_back(o.id);
  ++outstanding_;
  const id_t id = o.id;
  actors::spawn_new_saga(*ctx_, std::move(o),
                         actors::answer_once<domain::order>([this, id](auto r) {
                           --outstanding_;
                           if (r && r->id != id)
                             violation("order " + std::to_string(id) + " acknowledged as another");
                           if (r) {
                             acked_orders_.insert(id);
                             ++report_.orders_acked;
                           }
                         }));
}

// Pays a known order, with a coupon now and then; sometimes twice at once.
void world::pay() {
  if (orders_.empty())
    return create_order();
  // Mostly an acknowledged order not known to be paid, as a client would; else any recent one
  // (it may still be persisting, or already paid or expired).
  std::vector<id_t> unpaid;
  for (auto it = acked_orders_.rbegin(); it != acked_orders_.rend() && unpaid.size() < 4; ++it)
    if (!acked_payments_.count(*it))
      unpaid.push_back(*it);
  const auto back = std::min<std::size_t>(orders_.size(), 6);
  const id_t order = !unpaid.empty() && chance(70) ? unpaid[pick(unpaid.size())]
                                                   : orders_[orders_.size() - 1 - pick(back)];
  const int copies = chance(30) ? 2 : 1;
  report_.concurrent_pays += copies == 2 ? 1 : 0;
  for (int i = 0; i < copies; ++i) {
    const id_t coupon = chance(25) ? data::coupons[pick(data::coupons.size())] : 0;
    note("client: pay order " + std::to_string(order) + " coupon " + std::to_string(coupon));
    ++outstanding_;
    actors::answer_once<domain::payment> r([this, order](domain::result<domain::payment> p) {
      --outstanding_;
      if (!p)
        return;
      if (p->order_id != order)
        violation("payment of order " + std::to_string(order) + " acknowledged for another");
      if (!acked_payments_.insert(order).second)
        violation("order " + std::to_string(order) + " acknowledged as paid twice");
      ++report_.payments_acked;
    });
    const bool sent = ctx_->sagas.send_locked(
        order, [] { return std::optional<caf::actor>(); },
        [&](const caf::actor& a) {
          caf::anon_send(a, actors::pay_atom::value, coupon, domain::id_t{0}, r);
        });
    if (!sent) {
      const bool exists = storage::thread_reader(db_path_).order(order).has_value();
      r(exists ? errc::order_not_payable : errc::order_not_found);
    }
  }
}

void world::charge() {
  const id_t customer = data::first_customer + static_cast<id_t>(pick(data::customers));
  const domain::money amount = 1 + static_cast<domain::money>(pick(20'000));
  note("client: charge " + std::to_string(customer) + " " + std::to_string(amount));
  ++outstanding_;
  actors::send_to_customer(
      *ctx_, customer, actors::charge_atom::value, amount,
      actors::answer_once<domain::balance_view>([this, customer, amount](auto r) {
        --outstanding_;
        if (!r)
          return;
        auto& [count, sum] = acked_charges_[customer];
        ++count;
        sum += amount;
        ++report_.charges_acked;
      }));
}

void world::issue_coupon() {
  const id_t coupon = data::coupons[pick(data::coupons.size())];
  const id_t customer = data::first_customer + static_cast<id_t>(pick(data::customers));
  auto c = ctx_->coupons.find(coupon);
  if (!c)
    return;
  note("client: issue coupon " + std::to_string(coupon) + " to " + std::to_string(customer));
  ++outstanding_;
  caf::anon_send(*c, actors::issue_atom::value, customer,
                 actors::answer_once<domain::issued_coupon>([this, coupon, customer](auto r) {
                   --outstanding_;
                   if (!r)
                     return;
                   if (!acked_issues_.emplace(coupon, customer).second)
                     violation("coupon issued twice to one customer");
                   ++report_.issues_acked;
                 }));
}

} // namespace actorshop::sim
