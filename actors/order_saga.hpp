// The order saga: one actor per order in flight. It reserves the lines on their stock actors in
// parallel, persists the order, and later coordinates the payment (coupon use -> settlement,
// i.e. debit and commit, on the customer actor -> stock sold), compensating in reverse when a step
// fails. Unpaid orders expire after the TTL; recovery re-spawns a saga for every open order.
#pragma once

#include <vector>

#include <caf/stateful_actor.hpp>

#include "actors/actor_telemetry.hpp"
#include "actors/atoms.hpp"
#include "actors/context.hpp"

namespace actorshop::actors {

enum class saga_phase : std::uint8_t { reserving, persisting, created, paying, expiring, done };

struct saga_state {
  context* ctx = nullptr;
  domain::order order;
  saga_phase phase = saga_phase::reserving;
  answer_once<domain::order> created_answer;
  std::vector<domain::status> reserve_results; ///< one per line while reserving
  std::size_t reserve_pending = 0;
  answer_once<domain::payment> pay_answer;
  std::optional<domain::id_t> pay_coupon;
  static inline const char* name = "order_saga";
  static constexpr actor_kind kind = actor_kind::order_saga;
};

using saga_actor = instrumented_actor<saga_state>;

/// Spawns and registers the saga of a new order (lines priced, id and times set); `r` gets the
/// order once it is durable.
void spawn_new_saga(context& ctx, domain::order o, answer_once<domain::order> r);

/// Spawns and registers the saga of an open order found at recovery; it expires at o.expires_at.
void spawn_recovered_saga(context& ctx, domain::order o);

} // namespace actorshop::actors
