// The requester's pending calls and behaviour.
#include "actors/cluster/requester.hpp"

#include <utility>
#include <vector>

#include <caf/all.hpp>

namespace actorshop::actors::cluster {

/// Work for the requester; local only, never sent to another node.
struct requester_task {
  std::function<void(requester_actor*)> run;
};

} // namespace actorshop::actors::cluster

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorshop::actors::cluster::requester_task)

namespace actorshop::actors::cluster {

std::uint64_t pending_calls::add(caf::event_based_actor* self, const caf::actor& gw,
                                 std::function<void()> fail) {
  if (watched_.insert(gw.address()).second)
    self->monitor(gw);
  calls_.emplace(++next_, call{gw.address(), std::move(fail)});
  return next_;
}

bool pending_calls::finish(std::uint64_t id) { return calls_.erase(id) != 0; }

void pending_calls::fail_calls_to(const caf::actor_addr& gw) {
  watched_.erase(gw);
  std::vector<std::function<void()>> lost;
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (it->second.gateway == gw) {
      lost.push_back(std::move(it->second.fail));
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& fail : lost)
    fail();
}

void pending_calls::fail_all() {
  auto lost = std::exchange(calls_, {});
  watched_.clear();
  for (auto& [id, c] : lost)
    c.fail();
}

caf::actor spawn_requester(caf::actor_system& system) {
  return system.spawn([](requester_actor* self) -> caf::behavior {
    self->set_down_handler([self](caf::down_msg& m) { self->state.fail_calls_to(m.source); });
    self->set_exit_handler([self](caf::exit_msg& m) {
      self->state.fail_all();
      self->quit(m.reason);
    });
    return {[self](requester_task& t) { t.run(self); }};
  });
}

void post(const caf::actor& requester, std::function<void(requester_actor*)> work) {
  caf::anon_send(requester, requester_task{std::move(work)});
}

} // namespace actorshop::actors::cluster
