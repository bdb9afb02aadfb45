// The requester: the one actor that peers' gateways answer. A call is sent from the thread that
// makes it (an HTTP or saga thread) straight to the peer's gateway, as an asynchronous message
// carrying its call id, with the requester as its sender; the gateway's reply echoes the id and
// the requester hands it to the call's continuation on the thread that received it.
// No hop through the requester's mailbox on the way out, no CAF request/response handler and no
// timer per call: timeouts are one periodic sweep while calls are pending. One long-lived sender:
// a peer creates one proxy for it once, instead of a proxy per call announced over the link.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "domain/result.hpp"

namespace actorshop::actors::cluster {

/// A call in flight: answered once, with its reply or with the error that ended it.
class pending_call {
public:
  virtual ~pending_call() = default;
  /// `reply` points at a value of type `type` (the reply type the gateway sent).
  virtual void answer(const std::type_info& type, const void* reply) = 0;
  virtual void fail(domain::errc e) = 0;
};

/// The calls in flight, by id; thread-safe (calls are added on the callers' threads, answered on
/// the requester's, failed at a link's loss on the watcher's).
class call_table {
public:
  using clock = std::chrono::steady_clock;
  struct added {
    std::uint64_t id;
    bool start_sweep; ///< the first pending call since the last sweep ended: schedule one
  };

  /// Registers `c`, sent to node `peer` over its link number `link`, expiring at `deadline`.
  added add(std::size_t peer, std::uint64_t link, clock::time_point deadline,
            std::unique_ptr<pending_call> c);
  /// Removes and returns call `id`, or null if it already ended (failed at a loss or timed out).
  std::unique_ptr<pending_call> take(std::uint64_t id);
  /// Removes and returns the calls sent over link `link` of node `peer` (it dropped).
  std::vector<std::unique_ptr<pending_call>> take_link(std::size_t peer, std::uint64_t link);
  /// Removes and returns the calls whose deadline passed; `keep_sweeping` tells whether calls are
  /// still pending (else the sweep stops until the next add()).
  std::vector<std::unique_ptr<pending_call>> take_expired(clock::time_point now,
                                                          bool& keep_sweeping);
  /// Removes and returns every call (the node stops).
  std::vector<std::unique_ptr<pending_call>> take_all();

private:
  struct entry {
    std::size_t peer;
    std::uint64_t link;
    clock::time_point deadline;
    std::unique_ptr<pending_call> call;
  };
  /// Removes and returns the calls whose entry satisfies `pred`; m_ must be held.
  template <class Pred> std::vector<std::unique_ptr<pending_call>> take_if_locked(Pred pred);

  std::mutex m_;
  std::uint64_t next_ = 0;
  bool sweeping_ = false;
  std::unordered_map<std::uint64_t, entry> calls_;
};

/// Spawns the requester in `system`: it answers the calls of `table` with the replies it
/// receives, fails the expired ones every `sweep` while calls are pending (TIMEOUT), and fails
/// every pending call when it is told to exit. `table` must outlive it.
caf::actor spawn_requester(caf::actor_system& system, call_table& table,
                           std::chrono::milliseconds sweep);

/// Starts the sweep of `requester`'s table (after call_table::add said so).
void start_sweep(const caf::actor& requester, std::chrono::milliseconds sweep);

} // namespace actorshop::actors::cluster
