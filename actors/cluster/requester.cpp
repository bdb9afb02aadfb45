// The call table and the requester's behaviour.
#include "actors/cluster/requester.hpp"

#include <utility>

#include <caf/all.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>

#include "actors/cluster/wire.hpp"

namespace actorshop::actors::cluster {

call_table::added call_table::add(std::size_t peer, std::uint64_t link, clock::time_point deadline,
                                  std::unique_ptr<pending_call> c) {
  std::lock_guard lock(m_);
  const auto id = ++next_;
  calls_.emplace(id, entry{peer, link, deadline, std::move(c)});
  const bool start = !sweeping_;
  sweeping_ = true;
  return {id, start};
}

std::unique_ptr<pending_call> call_table::take(std::uint64_t id) {
  std::lock_guard lock(m_);
  auto it = calls_.find(id);
  if (it == calls_.end())
    return nullptr;
  auto c = std::move(it->second.call);
  calls_.erase(it);
  return c;
}

template <class Pred>
std::vector<std::unique_ptr<pending_call>> call_table::take_if_locked(Pred pred) {
  std::vector<std::unique_ptr<pending_call>> out;
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (pred(it->second)) {
      out.push_back(std::move(it->second.call));
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<std::unique_ptr<pending_call>> call_table::take_link(std::size_t peer,
                                                                 std::uint64_t link) {
  std::lock_guard lock(m_);
  return take_if_locked([&](const entry& e) { return e.peer == peer && e.link == link; });
}

std::vector<std::unique_ptr<pending_call>> call_table::take_expired(clock::time_point now,
                                                                    bool& keep_sweeping) {
  std::lock_guard lock(m_);
  auto out = take_if_locked([&](const entry& e) { return e.deadline <= now; });
  sweeping_ = keep_sweeping = !calls_.empty();
  return out;
}

std::vector<std::unique_ptr<pending_call>> call_table::take_all() {
  std::lock_guard lock(m_);
  return take_if_locked([](const entry&) { return true; });
}

namespace {

using sweep_atom = caf::atom_constant<caf::atom("sweep")>;

/// The handler of reply type `Reply`: the call it answers gets it, unless it already ended.
template <class Reply> auto on_reply(call_table* table) {
  return [table](const Reply& reply) {
    if (auto c = table->take(reply.call))
      c->answer(typeid(Reply), &reply);
  };
}

} // namespace

caf::actor spawn_requester(caf::actor_system& system, call_table& table,
                           std::chrono::milliseconds sweep) {
  return system.middleman().spawn_broker(
      [t = &table, sweep](caf::io::broker* self) -> caf::behavior {
        self->set_exit_handler([self, t](caf::exit_msg& m) {
          for (auto& c : t->take_all())
            c->fail(domain::errc::shard_unavailable);
          self->quit(m.reason);
        });
        return {
            on_reply<wire_issued>(t),
            on_reply<wire_balance>(t),
            on_reply<wire_history>(t),
            on_reply<wire_step_outcome>(t),
            on_reply<wire_order>(t),
            on_reply<wire_payment>(t),
            on_reply<wire_wallet>(t),
            on_reply<wire_stock>(t),
            on_reply<wire_option_stock>(t),
            on_reply<wire_sales>(t),
            [self, t, sweep](sweep_atom) {
              bool again = false;
              for (auto& c : t->take_expired(call_table::clock::now(), again))
                c->fail(domain::errc::timeout);
              if (again)
                self->delayed_send(self, sweep, sweep_atom::value);
            },
        };
      });
}

void start_sweep(const caf::actor& requester, std::chrono::milliseconds sweep) {
  caf::delayed_anon_send(requester, sweep, sweep_atom::value);
}

} // namespace actorshop::actors::cluster
