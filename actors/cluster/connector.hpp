// The actor a node's link keepers ask to connect to a peer: CAF's own middleman actor with a
// connect bounded in time. CAF 0.17's middleman actor connects with a blocking connect(), which
// the kernel keeps retrying for about two minutes when the peer's packets vanish (a network
// partition), and every other request to that actor waits behind it: the node's stop (its
// unpublish) hung, and a link to another peer could not be made meanwhile.
#pragma once

#include <chrono>

#include <caf/fwd.hpp>
#include <caf/io/middleman_actor.hpp>

namespace actorshop::actors::cluster {

/// Spawns, on a thread of its own, a middleman actor of `system` that answers connect_atom like
/// CAF's own but gives a TCP connect up after `deadline` (sec::cannot_connect_to_node).
caf::io::middleman_actor spawn_bounded_connector(caf::actor_system& system,
                                                 std::chrono::milliseconds deadline);

} // namespace actorshop::actors::cluster
