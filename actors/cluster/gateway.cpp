// The gateway's behaviour. Commands are answered once the local shop's callback runs (after the
// commit); queries read the committed state at once.
#include "actors/cluster/gateway.hpp"

#include <caf/all.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/logger.hpp>

#include <memory>
#include <unordered_map>

#include "actors/cluster/outbox.hpp"
#include "actors/cluster/wire.hpp"

namespace actorshop::actors::cluster {
namespace {

using flush_atom = caf::atom_constant<caf::atom("flush")>;

/// One caller node as this gateway sees it: its requester (through its proxy here) and the
/// replies that wait for the gateway's next flush to it.
struct caller {
  caf::actor to;
  std::uint64_t slot = 0; ///< in the gateway's table of callers
  outbox<wire_reply> out;
  std::atomic<std::size_t> open{0}; ///< requests received from it, not answered yet
};

/// The caller whose batch this thread (the gateway's) is dispatching: replies made meanwhile
/// wait for the flush at the batch's end instead of asking for one.
thread_local const caller* dispatching = nullptr;

/// Sends what waits in `c`'s outbox as one batch.
void flush(caller& c, wire_counters& n) {
  auto replies = c.out.take();
  if (replies.empty() || !c.to)
    return;
  ++n.sent;
  caf::anon_send(c.to, wire_reply_batch{std::move(replies)});
}

/// Where a call's reply goes: the caller's requester, with the caller's call id. Sent
/// anonymously (the requester needs no handle on this gateway) from whatever thread has the
/// answer (a shop thread after the commit, or the gateway's own for a query): at once, alone, if
/// nothing else for that caller is open, else into its outbox, flushed by the gateway (which the
/// first reply queued tells, unless the gateway is the one queueing it: then the batch it is
/// dispatching flushes at its end).
class reply_address {
public:
  reply_address(std::shared_ptr<caller> to, std::uint64_t call, caf::actor gateway,
                wire_counters* n)
      : to_(std::move(to)), call_(call), gateway_(std::move(gateway)), n_(n) {}

  template <class Wire> void send(Wire w) const {
    w.call = call_;
    auto& c = *to_;
    if (--c.open == 0 && c.out.empty()) {
      if (!c.to)
        return;
      ++n_->sent;
      caf::anon_send(c.to, std::move(w)); // alone: its own type, no batch around it
      return;
    }
    if (c.out.push(wire_reply{std::move(w)}) && dispatching != &c)
      caf::anon_send(gateway_, flush_atom::value, c.slot);
  }

private:
  std::shared_ptr<caller> to_;
  std::uint64_t call_;
  caf::actor gateway_;
  wire_counters* n_;
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

/// Calls the local shop for each request of a batch; every handler answers its call once.
struct request_handler {
  const shop_access& local;
  const std::shared_ptr<caller>& from;
  const caf::actor& gateway;
  wire_counters* n;

  reply_address reply_to(std::uint64_t call) const { return {from, call, gateway, n}; }

  void operator()(const wire_issue& m) const {
    local->issue_coupon(m.coupon_id, m.customer_id,
                        reply_through<domain::issued_coupon>(reply_to(m.call)));
  }
  void operator()(const wire_charge& m) const {
    local->charge(m.customer_id, m.amount, reply_through<domain::balance_view>(reply_to(m.call)));
  }
  void operator()(const wire_balance_query& m) const {
    reply_to(m.call).send(
        guarded<domain::balance_view>([&] { return local->balance(m.customer_id); }));
  }
  void operator()(const wire_history_query& m) const {
    reply_to(m.call).send(guarded<domain::balance_history_page>(
        [&] { return local->balance_history_page(m.customer_id, m.limit, m.before); }));
  }
  // Cluster mode's saga and order routes.
  void operator()(const wire_step& m) const {
    local->apply_step(from_wire(m), reply_through<storage::step_outcome>(reply_to(m.call)));
  }
  void operator()(const wire_create_order& m) const {
    local->create_order(m.customer_id, lines_of(m), reply_through<domain::order>(reply_to(m.call)));
  }
  void operator()(const wire_pay& m) const {
    std::optional<domain::id_t> coupon;
    if (m.coupon_id != 0)
      coupon = m.coupon_id;
    local->pay(m.order_id, coupon, reply_through<domain::payment>(reply_to(m.call)), m.payer);
  }
  void operator()(const wire_order_query& m) const {
    reply_to(m.call).send(guarded<domain::order>([&] { return local->order(m.order_id); }));
  }
  void operator()(const wire_wallet_query& m) const {
    reply_to(m.call).send(guarded<std::vector<domain::wallet_coupon>>(
        [&] { return local->customer_coupons(m.customer_id); }));
  }
  void operator()(const wire_stock_query& m) const {
    reply_to(m.call).send(
        guarded<std::vector<domain::product_summary>>([&] { return local->products(); }));
  }
  void operator()(const wire_product_query& m) const {
    reply_to(m.call).send(
        guarded<domain::product_detail>([&] { return local->product(m.product_id); }));
  }
  void operator()(const wire_sales_query& m) const {
    reply_to(m.call).send(guarded<std::vector<domain::popular_product>>(
        [&] { return local->product_sales(m.days, m.now); }));
  }
};

/// The gateway's callers, by their requester's proxy: a caller that reconnects comes back as a
/// new proxy and gets a new slot (an old one keeps its dead proxy and is never flushed again).
struct callers {
  std::vector<std::shared_ptr<caller>> by_slot;
  std::unordered_map<caf::actor_control_block*, std::shared_ptr<caller>> by_sender;

  std::shared_ptr<caller> of(const caf::strong_actor_ptr& sender) {
    auto& c = by_sender[sender.get()];
    if (!c) {
      c = std::make_shared<caller>();
      c->to = caf::actor_cast<caf::actor>(sender);
      c->slot = by_slot.size();
      by_slot.push_back(c);
    }
    return c;
  }
};

/// A behaviour with `one` as the handler of every request type (a request that came alone)
/// and `more`.
template <class... Requests, class One, class... More>
caf::behavior with_requests(caf::variant<Requests...>*, One one, More... more) {
  return {[one](const Requests& m) { one(m); }..., std::move(more)...};
}

// Every request carries the caller's call id; its reply echoes it and goes to the sender (the
// caller's requester). Only the hello is a CAF request (the handshake awaits its response).
// A request comes alone (its own message type) or in a batch; a reply leaves the same way.
caf::behavior gateway_behavior(caf::io::broker* self, shop* local_shop, wire_hello hello,
                               wire_counters* n) {
  auto known = std::make_shared<callers>();
  return with_requests(
      static_cast<wire_request*>(nullptr),
      [=](const auto& request) {
        ++n->received;
        const auto from = known->of(self->current_sender());
        ++from->open;
        const shop_access local{self, local_shop};
        request_handler{local, from, caf::actor_cast<caf::actor>(self), n}(request);
      },
      [=](const wire_hello&) {
        ++n->received;
        ++n->sent;
        return hello;
      },
      [=](const wire_batch& batch) {
        ++n->received;
        const auto from = known->of(self->current_sender());
        from->open += batch.calls.size();
        const auto me = caf::actor_cast<caf::actor>(self);
        const shop_access local{self, local_shop};
        const request_handler handle{local, from, me, n};
        dispatching = from.get();
        for (const auto& request : batch.calls)
          caf::visit(handle, request);
        dispatching = nullptr;
        flush(*from, *n);
      },
      [=](flush_atom, std::uint64_t slot) {
        if (slot < known->by_slot.size())
          flush(*known->by_slot[slot], *n);
      });
}

} // namespace

caf::actor spawn_gateway(caf::actor_system& system, shop& local, wire_hello self,
                         wire_counters& counters) {
  return system.middleman().spawn_broker(gateway_behavior, &local, std::move(self), &counters);
}

} // namespace actorshop::actors::cluster
