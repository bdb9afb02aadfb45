// The call table and the requester's behaviour.
#include "actors/cluster/requester.hpp"

#include <iterator>
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
  return {id, start, ++pending_by_peer_[peer] == 1};
}

std::unique_ptr<pending_call>
call_table::erase_locked(std::unordered_map<std::uint64_t, entry>::iterator it) {
  auto c = std::move(it->second.call);
  --pending_by_peer_[it->second.peer];
  calls_.erase(it);
  return c;
}

std::unique_ptr<pending_call> call_table::take(std::uint64_t id) {
  std::lock_guard lock(m_);
  auto it = calls_.find(id);
  if (it == calls_.end())
    return nullptr;
  return erase_locked(it);
}

template <class Pred>
std::vector<std::unique_ptr<pending_call>> call_table::take_if_locked(Pred pred) {
  std::vector<std::unique_ptr<pending_call>> out;
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (pred(it->second)) {
      auto next = std::next(it);
      out.push_back(erase_locked(it));
      it = next;
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
using flush_atom = caf::atom_constant<caf::atom("flush")>;

/// Hands one reply to the call it answers, unless that call already ended.
struct reply_dispatch {
  call_table* table;
  template <class Reply> void operator()(const Reply& reply) const {
    if (auto c = table->take(reply.call))
      c->answer(typeid(Reply), &reply);
  }
};

/// The requester's behaviour: a handler per reply type (a reply that left alone) and `more`.
template <class... Replies, class... More>
caf::behavior with_replies(caf::variant<Replies...>*, call_table* t, wire_counters* n,
                           More... more) {
  return {[t, n](const Replies& reply) {
            ++n->received;
            reply_dispatch{t}(reply);
          }...,
          std::move(more)...};
}

} // namespace

caf::actor spawn_requester(caf::actor_system& system, call_table& table,
                           std::chrono::milliseconds sweep, wire_counters& counters,
                           flush_fn flush) {
  return system.middleman().spawn_broker(
      [t = &table, sweep, n = &counters,
       flush = std::move(flush)](caf::io::broker* self) -> caf::behavior {
        self->set_exit_handler([self, t](caf::exit_msg& m) {
          for (auto& c : t->take_all())
            c->fail(domain::errc::shard_unavailable);
          self->quit(m.reason);
        });
        return with_replies(
            static_cast<wire_reply*>(nullptr), t, n,
            [t, n](const wire_reply_batch& batch) {
              ++n->received;
              for (const auto& reply : batch.replies)
                caf::visit(reply_dispatch{t}, reply);
            },
            [flush](flush_atom, std::uint64_t index) { flush(index); },
            [self, t, sweep](sweep_atom) {
              bool again = false;
              for (auto& c : t->take_expired(call_table::clock::now(), again))
                c->fail(domain::errc::timeout);
              if (again)
                self->delayed_send(self, sweep, sweep_atom::value);
            });
      });
}

void request_flush(const caf::actor& requester, std::size_t index) {
  caf::anon_send(requester, flush_atom::value, static_cast<std::uint64_t>(index));
}

void start_sweep(const caf::actor& requester, std::chrono::milliseconds sweep) {
  caf::delayed_anon_send(requester, sweep, sweep_atom::value);
}

} // namespace actorshop::actors::cluster
