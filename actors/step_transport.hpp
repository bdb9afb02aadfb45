// Cluster mode: how an order saga reaches the participants of its steps. The shop does not know
// the cluster (actors/cluster depends on actors, not the other way): cluster::node implements this
// and hands itself to shop::set_step_transport; a step on a local entity is applied in-process, a
// remote one goes to its owner's gateway.
#pragma once

#include <functional>

#include "domain/result.hpp"
#include "storage/step_units.hpp"

namespace actorshop::actors {

using step_callback = std::function<void(domain::result<storage::step_outcome>)>;

class step_transport {
public:
  virtual ~step_transport() = default;
  /// Applies `s` on the owner of its entity; `cb` runs once with the step's first outcome, or an
  /// error if it could not be applied this time (SHARD_UNAVAILABLE, TIMEOUT, STORAGE_FAILURE,
  /// SERVICE_UNAVAILABLE): the saga then sends the same step again.
  virtual void send_step(storage::step s, step_callback cb) = 0;
};

} // namespace actorshop::actors
