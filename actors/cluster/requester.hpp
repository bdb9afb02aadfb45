// The requester: the one actor through which a node sends its calls to the peers' gateways.
// One long-lived sender instead of an actor per call: a peer creates one proxy for it once,
// instead of a proxy per call announced and killed over the link (two more BASP messages each),
// and the requester watches each gateway once instead of every call monitoring it.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>

namespace actorshop::actors::cluster {

/// The calls in flight, by id, each with what answers it if its gateway's link drops first
/// (CAF fails no request already on the wire when a link drops: the reply just never comes).
class pending_calls {
public:
  /// Registers a call to `gw`; monitors `gw` if no call watched it yet.
  std::uint64_t add(caf::event_based_actor* self, const caf::actor& gw, std::function<void()> fail);
  /// Removes call `id`; false if it is no longer pending (failed at a loss or at the stop).
  bool finish(std::uint64_t id);
  /// Fails every call to the gateway at `gw` (its link dropped).
  void fail_calls_to(const caf::actor_addr& gw);
  /// Fails every call (the node stops).
  void fail_all();

private:
  struct call {
    caf::actor_addr gateway;
    std::function<void()> fail;
  };
  std::uint64_t next_ = 0;
  std::unordered_map<std::uint64_t, call> calls_;
  std::unordered_set<caf::actor_addr> watched_;
};

using requester_actor = caf::stateful_actor<pending_calls>;

/// Spawns the requester in `system`; it fails its pending calls when it is told to exit.
caf::actor spawn_requester(caf::actor_system& system);

/// Runs `work` on the requester's thread, with the requester (and its pending calls).
void post(const caf::actor& requester, std::function<void(requester_actor*)> work);

} // namespace actorshop::actors::cluster
