// The gateway's behaviour. Commands are answered once the local shop's callback runs (after the
// commit); queries read the committed state at once.
#include "actors/cluster/gateway.hpp"

#include <functional>

#include <caf/all.hpp>

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

caf::behavior gateway_behavior(caf::event_based_actor* self, shop* local, wire_hello hello,
                               gateway_counters* n) {
  auto me = [self] { return caf::actor_cast<caf::actor>(self); };
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
      [](gateway_task& t) { t.run(); },
  };
}

} // namespace

caf::actor spawn_gateway(caf::actor_system& system, shop& local, wire_hello self,
                         gateway_counters& counters) {
  return system.spawn(gateway_behavior, &local, std::move(self), &counters);
}

} // namespace actorshop::actors::cluster
