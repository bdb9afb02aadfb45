// The gateway's behaviour. Commands are answered once the local shop's callback runs (after the
// commit); queries read the committed state at once.
#include "actors/cluster/gateway.hpp"

#include <caf/all.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/logger.hpp>

#include "actors/cluster/wire.hpp"

namespace actorshop::actors::cluster {
namespace {

/// Where a call's reply goes: the caller's requester (through its proxy here), with the caller's
/// call id. Sent anonymously (the requester needs no handle on this gateway) and from whatever
/// thread has the answer: a shop thread after the commit, or the gateway's own for a query. A
/// message to a proxy may be sent from any thread; no hop through this gateway's mailbox.
class reply_address {
public:
  reply_address(caf::io::broker* self, std::uint64_t call, gateway_counters* n)
      : to_(caf::actor_cast<caf::actor>(self->current_sender())), call_(call), n_(n) {}

  template <class Wire> void send(Wire w) const {
    ++n_->sent;
    w.call = call_;
    if (to_)
      caf::anon_send(to_, std::move(w));
  }

private:
  caf::actor to_;
  std::uint64_t call_;
  gateway_counters* n_;
};

/// Returns a shop callback that sends `to_wire(result)` to `to`.
template <class T> callback<T> reply_through(reply_address to) {
  return [to = std::move(to)](domain::result<T> r) { to.send(to_wire(r)); };
}

/// Runs a query; a storage exception becomes STORAGE_FAILURE instead of killing the gateway.
template <class T, class Query> auto guarded(Query query) {
  try {
    return to_wire(query());
  } catch (const std::exception&) {
    return to_wire(domain::result<T>(domain::errc::storage_failure));
  }
}

/// The gateway's handle on the local shop: `local->f(...)` calls the shop and then points this
/// thread's CAF logger back at the gateway's own system. Why: a shop call may spawn an actor of
/// the shop's system (a customer activated, a saga), and CAF 0.17's spawn sets the calling
/// thread's current logger to the spawning system's (CAF_SET_LOGGER_SYS, a thread-local strong
/// reference). Left so, a thread of the cluster system keeps the shop system's logger alive, and
/// the shop's ~actor_system, which waits for its logger's destruction, never returns: the daemon
/// hung on SIGTERM once a remote request had activated a customer.
class shop_access {
public:
  shop_access(caf::io::broker* self, shop* target) : self_(self), target_(target) {}

  /// Lives until the end of the full expression `local->f(...)`, i.e. until the call returned.
  class call_scope {
  public:
    call_scope(caf::actor_system& own, shop* target) : own_(own), target_(target) {}
    call_scope(const call_scope&) = delete;
    call_scope& operator=(const call_scope&) = delete;
    ~call_scope() { caf::logger::set_current_actor_system(&own_); }
    shop* operator->() const { return target_; }

  private:
    caf::actor_system& own_;
    shop* target_;
  };

  call_scope operator->() const { return {self_->system(), target_}; }

private:
  caf::io::broker* self_;
  shop* target_;
};

// Every request carries the caller's call id; its reply echoes it and goes to the sender (the
// caller's requester). Only the hello is a CAF request (the handshake awaits its response).
caf::behavior gateway_behavior(caf::io::broker* self, shop* local_shop, wire_hello hello,
                               gateway_counters* n) {
  const shop_access local{self, local_shop};
  auto caller = [self, n](std::uint64_t call) {
    ++n->received;
    return reply_address{self, call, n};
  };
  return {
      [=](const wire_hello&) {
        ++n->received;
        ++n->sent;
        return hello;
      },
      [=](const wire_issue& m) {
        local->issue_coupon(m.coupon_id, m.customer_id,
                            reply_through<domain::issued_coupon>(caller(m.call)));
      },
      [=](const wire_charge& m) {
        local->charge(m.customer_id, m.amount, reply_through<domain::balance_view>(caller(m.call)));
      },
      [=](const wire_balance_query& m) {
        const auto to = caller(m.call);
        to.send(guarded<domain::balance_view>([&] { return local->balance(m.customer_id); }));
      },
      [=](const wire_history_query& m) {
        const auto to = caller(m.call);
        to.send(guarded<domain::balance_history_page>(
            [&] { return local->balance_history_page(m.customer_id, m.limit, m.before); }));
      },
      // Cluster mode's saga and order routes.
      [=](const wire_step& m) {
        local->apply_step(from_wire(m), reply_through<storage::step_outcome>(caller(m.call)));
      },
      [=](const wire_create_order& m) {
        local->create_order(m.customer_id, lines_of(m),
                            reply_through<domain::order>(caller(m.call)));
      },
      [=](const wire_pay& m) {
        std::optional<domain::id_t> coupon;
        if (m.coupon_id != 0)
          coupon = m.coupon_id;
        local->pay(m.order_id, coupon, reply_through<domain::payment>(caller(m.call)), m.payer);
      },
      [=](const wire_order_query& m) {
        const auto to = caller(m.call);
        to.send(guarded<domain::order>([&] { return local->order(m.order_id); }));
      },
      [=](const wire_wallet_query& m) {
        const auto to = caller(m.call);
        to.send(guarded<std::vector<domain::wallet_coupon>>(
            [&] { return local->customer_coupons(m.customer_id); }));
      },
      [=](const wire_stock_query& m) {
        const auto to = caller(m.call);
        to.send(guarded<std::vector<domain::product_summary>>([&] { return local->products(); }));
      },
      [=](const wire_product_query& m) {
        const auto to = caller(m.call);
        to.send(guarded<domain::product_detail>([&] { return local->product(m.product_id); }));
      },
      [=](const wire_sales_query& m) {
        const auto to = caller(m.call);
        to.send(guarded<std::vector<domain::popular_product>>(
            [&] { return local->product_sales(m.days, m.now); }));
      },
  };
}

} // namespace

caf::actor spawn_gateway(caf::actor_system& system, shop& local, wire_hello self,
                         gateway_counters& counters) {
  return system.middleman().spawn_broker(gateway_behavior, &local, std::move(self), &counters);
}

} // namespace actorshop::actors::cluster
