// The requester: the one actor that peers' gateways answer, an io::broker on the multiplexer
// thread. A call carries its call id; the gateway's reply echoes it and the requester hands it
// to the call's continuation. A call to a peer with nothing else in flight leaves at once from
// the thread that makes it (an HTTP or saga thread), as its own message type, straight to the
// peer's gateway with the requester as its sender: a lone call costs what it did before batching.
// A call made while others to that peer are in flight waits in the peer's outbox, and the
// requester, told once per batch, sends everything queued by then as one wire_batch. Replies
// arrive the same way: alone, or several in one wire_reply_batch.
// No CAF request/response handler and no timer per call: timeouts are one periodic sweep while
// calls are pending. One long-lived sender: a peer creates one proxy for it once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/cluster/outbox.hpp"
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
    bool alone;       ///< no other call to this peer is pending: nothing to batch it with
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
  /// Erases `it` and returns its call; m_ must be held.
  std::unique_ptr<pending_call> erase_locked(std::unordered_map<std::uint64_t, entry>::iterator it);

  std::mutex m_;
  std::unordered_map<std::size_t, std::size_t> pending_by_peer_;
  std::uint64_t next_ = 0;
  bool sweeping_ = false;
  std::unordered_map<std::uint64_t, entry> calls_;
};

/// Sends the calls queued in the outbox of peer `index` as one batch (called on the requester's
/// thread when told to by request_flush).
using flush_fn = std::function<void(std::size_t index)>;

/// Spawns the requester in `system`: it answers the calls of `table` with the replies it
/// receives (counting their batches in `counters.received`), runs `flush` for a peer when told
/// to, fails the expired calls every `sweep` while calls are pending (TIMEOUT), and fails every
/// pending call when it is told to exit. `table` and `counters` must outlive it.
caf::actor spawn_requester(caf::actor_system& system, call_table& table,
                           std::chrono::milliseconds sweep, wire_counters& counters,
                           flush_fn flush);

/// Tells `requester` to flush the outbox of peer `index` (once its turn on the multiplexer comes:
/// the calls queued meanwhile leave with it).
void request_flush(const caf::actor& requester, std::size_t index);

/// Starts the sweep of `requester`'s table (after call_table::add said so).
void start_sweep(const caf::actor& requester, std::chrono::milliseconds sweep);

} // namespace actorshop::actors::cluster
