// actor_telemetry: per actor kind, what CAF 0.18+ exports as caf_actor_mailbox_size,
// caf_actor_processing_time_seconds and caf_actor_mailbox_time_seconds (label `name`). CAF 0.17
// has no metrics, so our actors are `instrumented_actor`s: enqueue() and consume() (both virtual
// in 0.17's scheduled_actor) count and time every message. Once CAF is upgraded, this file and the
// actor aliases go, and CAF's own metrics keep the same names.
//
// The same overrides tell ThreadSanitizer about the hand-offs CAF makes inside its uninstrumented
// libcaf_core (see happens_before.hpp); they state only the edges CAF guarantees:
//   - a message: everything its sender did before enqueue() happens before its handler runs;
//   - the actor: CAF runs one actor on one thread at a time, and its mailbox (try_block/unblock)
//     orders consecutive runs, so each run (initialize(), consume()) happens before the next,
//     even on another worker thread; and spawning (launch()) happens before the first run;
//     The actor's clean-up (cleanup(), on_destroy()) happens before its memory is freed by
//     whichever thread drops the last reference (CAF's reference counts order the two);
//   - the mailbox: every enqueue() happens before the actor drops what is left in it (cleanup())
//     and before it is destroyed (on_destroy(), the destructor: the sender held a strong
//     reference, and CAF's reference count orders every release before the last one's clean-up).
// They add no edge between two actors, or between an actor and a thread, that CAF does not make,
// so a race on actor state or on shared data is still reported (tests/tsan proves it).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include <caf/invoke_message_result.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/happens_before.hpp"
#include "storage/telemetry.hpp"

namespace actorshop::actors {

enum class actor_kind : std::uint8_t { coupon, stock, customer, order_saga, count_ };

inline constexpr std::array<std::string_view, 4> actor_kind_names{"coupon", "stock", "customer",
                                                                  "order_saga"};

/// The cells of one actor kind, shared by every actor of that kind (as CAF 0.18 shares a series
/// between actors of one name).
struct actor_kind_cells {
  std::atomic<std::int64_t> mailbox_size{0}; ///< enqueued, not yet consumed
  storage::telemetry::sharded_histogram processing_time;
  storage::telemetry::sharded_histogram mailbox_time;
};

/// Process-wide: actors are created by CAF, not by us, so they cannot be handed a registry.
inline actor_kind_cells& cells_of(actor_kind k) {
  static std::array<actor_kind_cells, static_cast<std::size_t>(actor_kind::count_)> all;
  return all[static_cast<std::size_t>(k)];
}

/// Records how long a facade command waited in `k`'s mailbox: from `sent_at` (stamped by the shop
/// facade when it sent the message) until its handler started.
inline void observe_mailbox_time(actor_kind k, std::chrono::steady_clock::time_point sent_at) {
  if (storage::telemetry::enabled() && sent_at.time_since_epoch().count() != 0)
    cells_of(k).mailbox_time.observe(storage::telemetry::seconds_since(sent_at));
}

/// A stateful actor whose messages are counted (mailbox size) and timed (processing time). The
/// state names its kind: `static constexpr actor_kind kind`.
template <class State> class instrumented_actor : public caf::stateful_actor<State> {
public:
  using base = caf::stateful_actor<State>;
  using base::base;

  ~instrumented_actor() override {
    happens_before::acquire(mailbox_key());
    happens_before::acquire(run_key());
    // Messages that were never consumed (dropped at exit) leave the kind's mailbox too.
    if (auto left = pending_.load(std::memory_order_relaxed); left != 0)
      cells().mailbox_size.fetch_sub(left, std::memory_order_relaxed);
  }

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override {
    if (storage::telemetry::enabled()) {
      pending_.fetch_add(1, std::memory_order_relaxed);
      cells().mailbox_size.fetch_add(1, std::memory_order_relaxed);
    }
    happens_before::release(ptr.get());
    happens_before::release(mailbox_key());
    base::enqueue(std::move(ptr), eu);
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    happens_before::acquire(&x);
    happens_before::acquire(run_key());
    auto result = timed_consume(x);
    happens_before::release(run_key());
    return result;
  }

  void launch(caf::execution_unit* eu, bool lazy, bool hide) override {
    happens_before::release(run_key());
    base::launch(eu, lazy, hide);
  }

  void initialize() override {
    happens_before::acquire(run_key());
    base::initialize();
    happens_before::release(run_key());
  }

  caf::resumable::resume_result resume(caf::execution_unit* eu,
                                       std::size_t max_throughput) override {
    happens_before::acquire(run_key());
    return base::resume(eu, max_throughput);
  }

  bool cleanup(caf::error&& reason, caf::execution_unit* host) override {
    happens_before::acquire(mailbox_key());
    happens_before::acquire(run_key());
    const bool cleaned = base::cleanup(std::move(reason), host);
    happens_before::release(run_key()); // before the memory is freed, maybe in another thread
    return cleaned;
  }

  /// Runs in whichever thread drops the last strong reference; destroys the state if the actor
  /// never got to its own cleanup.
  void on_destroy() override {
    happens_before::acquire(mailbox_key());
    happens_before::acquire(run_key());
    base::on_destroy();
    happens_before::release(run_key());
  }

private:
  caf::invoke_message_result timed_consume(caf::mailbox_element& x) {
    if (!storage::telemetry::enabled())
      return base::consume(x);
    const auto started = std::chrono::steady_clock::now();
    auto result = base::consume(x);
    if (result == caf::invoke_message_result::skipped) // stays in the mailbox, consumed again later
      return result;
    cells().processing_time.observe(storage::telemetry::seconds_since(started));
    if (pending_.load(std::memory_order_relaxed) > 0) { // enqueued while enabled
      pending_.fetch_sub(1, std::memory_order_relaxed);
      cells().mailbox_size.fetch_sub(1, std::memory_order_relaxed);
    }
    return result;
  }

  /// The TSan key of this actor's runs, and of its mailbox.
  const void* run_key() const noexcept { return this; }
  const void* mailbox_key() const noexcept { return &pending_; }

  static actor_kind_cells& cells() { return cells_of(State::kind); }
  std::atomic<std::int64_t> pending_{0};
};

} // namespace actorshop::actors
