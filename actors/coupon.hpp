// The coupon actor: one per coupon, the only owner of its remaining quantity and of every
// customer_coupon row of that coupon (issue, and use/restore during a payment).
#pragma once

#include <unordered_map>
#include <unordered_set>

#include <caf/stateful_actor.hpp>

#include "actors/actor_telemetry.hpp"
#include "actors/atoms.hpp"
#include "actors/context.hpp"

namespace actorshop::actors {

struct coupon_state {
  context* ctx = nullptr;
  domain::coupon coupon;
  std::unordered_map<domain::id_t, domain::coupon_status> holders;
  std::unordered_set<domain::id_t> pending_use;   ///< marked USED by a payment not yet committed
  std::atomic<std::int64_t>* remaining = nullptr; ///< ctx->coupon_remaining's slot, kept in step
  static inline const char* name = "coupon";
  static constexpr actor_kind kind = actor_kind::coupon;
};

using coupon_actor = instrumented_actor<coupon_state>;

/// Returns the behaviour of a coupon actor holding `c` and its `holders`.
caf::behavior coupon_behavior(coupon_actor* self, context* ctx, domain::coupon c,
                              std::unordered_map<domain::id_t, domain::coupon_status> holders);

/// Spawns a coupon actor and registers it (by coupon id) in ctx->coupons.
caf::actor spawn_coupon(context& ctx, domain::coupon c,
                        std::unordered_map<domain::id_t, domain::coupon_status> holders);

} // namespace actorshop::actors
