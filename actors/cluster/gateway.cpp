// The gateway's behaviour. Commands are answered once the local shop's callback runs (after the
// commit); queries read the committed state at once.
#include "actors/cluster/gateway.hpp"

#include <functional>

#include <caf/all.hpp>
#include <caf/logger.hpp>

#include "actors/cluster/wire.hpp"

namespace actorshop::actors::cluster {

/// Work the gateway must run on its own thread: delivering a response promise from a shop
/// thread would race with the gateway's scheduling. Local only, never sent to another node.
struct gateway_task {
  std::function<void()> run;
};

} // namespace actorshop::actors::cluster

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::actors::cluster::gateway_task)

namespace actorshop::actors::cluster {
namespace {

/// Returns a shop callback that hands `to_wire(result)` back to `gateway`, which delivers it.
template <class T>
callback<T> reply_through(caf::actor gateway, caf::response_promise rp, gateway_counters* n) {
  return [gateway = std::move(gateway), rp = std::move(rp), n](domain::result<T> r) mutable {
    caf::anon_send(gateway, gateway_task{[rp, w = to_wire(r), n]() mutable {
                     ++n->sent;
                     rp.deliver(w);
                   }});
  };
}

/// Runs a query; a storage exception becomes STORAGE_FAILURE instead of killing the gateway.
template <class T, class Query> auto guarded(gateway_counters* n, Query query) {
  ++n->sent;
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
  shop_access(caf::event_based_actor* self, shop* target) : self_(self), target_(target) {}

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
  caf::event_based_actor* self_;
  shop* target_;
};

caf::behavior gateway_behavior(caf::event_based_actor* self, shop* local_shop, wire_hello hello,
                               gateway_counters* n) {
  auto me = [self] { return caf::actor_cast<caf::actor>(self); };
  const shop_access local{self, local_shop};
  return {
      [=](const wire_hello&) {
        ++n->received;
        ++n->sent;
        return hello;
      },
      [=](const wire_issue& m) -> caf::response_promise {
        ++n->received;
        auto rp = self->make_response_promise();
        local->issue_coupon(m.coupon_id, m.customer_id,
                            reply_through<domain::issued_coupon>(me(), rp, n));
        return rp;
      },
      [=](const wire_charge& m) -> caf::response_promise {
        ++n->received;
        auto rp = self->make_response_promise();
        local->charge(m.customer_id, m.amount, reply_through<domain::balance_view>(me(), rp, n));
        return rp;
      },
      [=](const wire_balance_query& m) {
        ++n->received;
        return guarded<domain::balance_view>(n, [&] { return local->balance(m.customer_id); });
      },
      [=](const wire_history_query& m) {
        ++n->received;
        return guarded<domain::balance_history_page>(
            n, [&] { return local->balance_history_page(m.customer_id, m.limit, m.before); });
      },
      // Cluster mode's saga and order routes.
      [=](const wire_step& m) -> caf::response_promise {
        ++n->received;
        auto rp = self->make_response_promise();
        local->apply_step(from_wire(m), reply_through<storage::step_outcome>(me(), rp, n));
        return rp;
      },
      [=](const wire_create_order& m) -> caf::response_promise {
        ++n->received;
        auto rp = self->make_response_promise();
        local->create_order(m.customer_id, lines_of(m), reply_through<domain::order>(me(), rp, n));
        return rp;
      },
      [=](const wire_pay& m) -> caf::response_promise {
        ++n->received;
        auto rp = self->make_response_promise();
        std::optional<domain::id_t> coupon;
        if (m.coupon_id != 0)
          coupon = m.coupon_id;
        local->pay(m.order_id, coupon, reply_through<domain::payment>(me(), rp, n), m.payer);
        return rp;
      },
      [=](const wire_order_query& m) {
        ++n->received;
        return guarded<domain::order>(n, [&] { return local->order(m.order_id); });
      },
      [=](const wire_wallet_query& m) {
        ++n->received;
        return guarded<std::vector<domain::wallet_coupon>>(
            n, [&] { return local->customer_coupons(m.customer_id); });
      },
      [=](const wire_stock_query&) {
        ++n->received;
        return guarded<std::vector<domain::product_summary>>(n, [&] { return local->products(); });
      },
      [](gateway_task& t) { t.run(); },
  };
}

} // namespace

caf::actor spawn_gateway(caf::actor_system& system, shop& local, wire_hello self,
                         gateway_counters& counters) {
  return system.spawn(gateway_behavior, &local, std::move(self), &counters);
}

} // namespace actorshop::actors::cluster
