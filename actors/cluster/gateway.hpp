// The gateway: the one actor a node publishes on its actor port. Peers send it the wire requests
// of wire.hpp for entities of this node's shards; it calls the local shop and replies with the
// wire answer, sent to the caller's requester straight from the thread that has it (a shop thread
// after the commit, this gateway's for a query), not through the gateway's mailbox. A peer's
// hello (the link handshake) is answered with this node's own, whatever it said: the peer decides.
#pragma once

#include <atomic>
#include <cstdint>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/cluster/wire.hpp"
#include "actors/shop.hpp"

namespace actorshop::actors::cluster {

/// Wire messages the gateway received from peers and the answers it sent them.
struct gateway_counters {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> sent{0};
};

/// Spawns the gateway of `local` in `system` (the cluster's actor system, with the middleman);
/// it answers a hello with `self` and counts its messages in `counters` (which must outlive it).
caf::actor spawn_gateway(caf::actor_system& system, shop& local, wire_hello self,
                         gateway_counters& counters);

} // namespace actorshop::actors::cluster
