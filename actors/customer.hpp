// The customer actor: a virtual actor per customer, activated from its balance row on first use
// and passivated when idle, so live actors follow the working set, not the customer table.
// It serializes every balance change of its customer: charges, and the settlement of a payment.
#pragma once

#include <atomic>
#include <memory>

#include <caf/stateful_actor.hpp>

#include "actors/actor_telemetry.hpp"
#include "actors/atoms.hpp"
#include "actors/context.hpp"

namespace actorshop::actors {

struct customer_state {
  context* ctx = nullptr;
  domain::id_t id = 0;
  domain::money balance = 0;
  std::uint64_t received = 0;                  ///< messages received through the registry
  std::shared_ptr<std::atomic<int>> in_flight; ///< units submitted and not yet completed
  domain::timestamp last_active = 0;
  static inline const char* name = "customer";
  static constexpr actor_kind kind = actor_kind::customer;
};

using customer_actor = instrumented_actor<customer_state>;

/// Returns the behaviour of customer `id`, loading its balance from the database.
caf::behavior customer_behavior(customer_actor* self, context* ctx, domain::id_t id);

/// Sends `args...` to customer `id`'s actor through the registry, activating it if needed.
template <class... Ts> void send_to_customer(context& ctx, domain::id_t id, Ts&&... args);

} // namespace actorshop::actors

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

namespace actorshop::actors {

template <class... Ts> void send_to_customer(context& ctx, domain::id_t id, Ts&&... args) {
  ctx.customers.send_locked(
      id,
      [&]() -> std::optional<caf::actor> {
        if (ctx.stopping) // shutdown kills what is registered: register nothing new
          return std::nullopt;
        return ctx.system->spawn(customer_behavior, &ctx, id);
      },
      [&](const caf::actor& a) { caf::anon_send(a, std::forward<Ts>(args)...); });
}

} // namespace actorshop::actors
