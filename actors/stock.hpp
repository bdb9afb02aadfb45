// The stock actor: one per stock row, the only owner of its available/reserved/sold counts.
// Everything here is in memory; the order saga and the payment unit persist the moves.
#pragma once

#include <caf/stateful_actor.hpp>

#include "actors/actor_telemetry.hpp"
#include "actors/atoms.hpp"
#include "actors/context.hpp"
#include "storage/reader.hpp"

namespace actorshop::actors {

struct stock_state {
  stock_levels levels;
  static inline const char* name = "stock";
  static constexpr actor_kind kind = actor_kind::stock;
};

using stock_actor = instrumented_actor<stock_state>;

/// Returns the behaviour of a stock actor starting from a stock row.
caf::behavior stock_behavior(stock_actor* self, storage::stock_row row);

} // namespace actorshop::actors
