// Recovery: what a shop rebuilds from the database when it starts (or, in the simulation, after a
// crash): the reference data and id counters, then an actor for every stock row and coupon and a
// saga for every open order. Shared by shop::impl and tests/actors/sim, so the simulation
// exercises the very code the daemon runs.
#pragma once

#include <cstdint>

#include "actors/context.hpp"
#include "storage/reader.hpp"

namespace actorshop::actors {

/// Loads the catalog, the customer ids and the next order, payment and coupon ids into `ctx`.
void load_reference(context& ctx, storage::reader& rd);

/// How many actors and sagas spawn_entities started (for the daemon's recovery summary).
struct spawned_entities {
  std::uint64_t stock_rows = 0;
  std::uint64_t coupons = 0;
  std::uint64_t open_orders = 0; ///< sagas re-armed (an overdue one expires at once)
};

/// Spawns the stock and coupon actors and a saga per open order (an overdue one expires at once).
/// Stock rows already count the reservations of open orders. Needs ctx.system, ctx.writer and
/// ctx.expiries.
spawned_entities spawn_entities(context& ctx, storage::reader& rd);

} // namespace actorshop::actors
