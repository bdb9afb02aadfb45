// The gateway: the one actor a node publishes on its actor port. Peers send it the wire requests
// of wire.hpp for entities of this node's shards; it calls the local shop and replies with the
// wire answer. The shop answers on its own threads, so the answer is handed back to the gateway
// as a local task and the response promise is delivered on the gateway's own thread.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/shop.hpp"

namespace actorshop::actors::cluster {

/// Spawns the gateway of `local` in `system` (the cluster's actor system, with the middleman).
caf::actor spawn_gateway(caf::actor_system& system, shop& local);

} // namespace actorshop::actors::cluster
