// The gateway: the one actor a node publishes on its actor port. Peers send it the wire requests
// of wire.hpp for entities of this node's shards, alone or in batches; it calls the local shop for
// each and replies with the wire answers, gathered per caller node: a reply with nothing else open
// for that caller leaves at once, alone, from the thread that has it (a shop thread after the
// commit, this gateway's for a query); the others wait in the caller's outbox and leave together
// as one batch, flushed by the gateway. A
// peer's hello (the link handshake) is answered with this node's own, whatever it said: the peer
// decides.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/cluster/outbox.hpp"
#include "actors/cluster/wire.hpp"
#include "actors/shop.hpp"

namespace actorshop::actors::cluster {

/// Spawns the gateway of `local` in `system` (the cluster's actor system, with the middleman);
/// it answers a hello with `self` and counts its BASP messages in `counters` (which must outlive
/// it).
caf::actor spawn_gateway(caf::actor_system& system, shop& local, wire_hello self,
                         wire_counters& counters);

} // namespace actorshop::actors::cluster
