// actor_telemetry: per actor kind, what CAF 0.18+ exports as caf_actor_mailbox_size,
// caf_actor_processing_time_seconds and caf_actor_mailbox_time_seconds (label `name`). CAF 0.17
// has no metrics, so our actors are `instrumented_actor`s: enqueue() and consume() (both virtual
// in 0.17's scheduled_actor) count and time every message. Once CAF is upgraded, this file and the
// actor aliases go, and CAF's own metrics keep the same names.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include <caf/invoke_message_result.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/stateful_actor.hpp>

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
    // Messages that were never consumed (dropped at exit) leave the kind's mailbox too.
    if (auto left = pending_.load(std::memory_order_relaxed); left != 0)
      cells().mailbox_size.fetch_sub(left, std::memory_order_relaxed);
  }

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override {
    if (storage::telemetry::enabled()) {
      pending_.fetch_add(1, std::memory_order_relaxed);
      cells().mailbox_size.fetch_add(1, std::memory_order_relaxed);
    }
    base::enqueue(std::move(ptr), eu);
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
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

private:
  static actor_kind_cells& cells() { return cells_of(State::kind); }
  std::atomic<std::int64_t> pending_{0};
};

} // namespace actorshop::actors
