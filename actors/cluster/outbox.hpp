// An outbox: the wire elements (requests or replies) for one peer that wait for the next flush,
// so that the ones queued while the multiplexer is busy leave as one BASP message (what Orleans
// and Akka do per connection). Filled on any thread; the thread whose push finds it empty asks
// for the flush (one request per batch, not per element), and the flush takes everything queued
// by then. The elements of a batch share its fate: a link that drops loses them all, and their
// callers fail each of their calls as before (call_table::take_link).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace actorshop::actors::cluster {

template <class T> class outbox {
public:
  /// Queues `x`; true if the outbox was empty, i.e. the caller must ask for a flush.
  bool push(T x) {
    std::lock_guard lock(m_);
    items_.push_back(std::move(x));
    return items_.size() == 1;
  }

  /// Removes and returns everything queued (empty if a flush took it already).
  std::vector<T> take() {
    std::vector<T> out;
    std::lock_guard lock(m_);
    out.swap(items_);
    return out;
  }

  bool empty() const {
    std::lock_guard lock(m_);
    return items_.empty();
  }

private:
  mutable std::mutex m_;
  std::vector<T> items_;
};

/// BASP messages (batches, hellos) exchanged with peers.
struct wire_counters {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> received{0};
};

} // namespace actorshop::actors::cluster
