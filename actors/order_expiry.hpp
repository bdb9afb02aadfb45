// order_expiry_timer: the deadlines of unpaid orders, on one thread of their own; it tells an
// order's saga when its TTL has passed. CAF's clock wakes its thread on every delayed_send and
// keeps each timer (and the actor it targets) until it fires; orders all get the same TTL, so a
// new deadline is almost never the earliest: this timer sleeps through them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

#include "domain/clock.hpp"
#include "domain/ids.hpp"
#include "storage/worker_thread.hpp"

namespace actorshop::actors {

/// The deadlines of unpaid orders, as the sagas see them: order_expiry_timer in production, the
/// simulation's own (tests/actors/sim) where time moves only when the simulation says so.
class expiry_schedule {
public:
  virtual ~expiry_schedule() = default;
  /// Fires `id` once the clock reaches `at`; replaces an earlier deadline of the same id.
  virtual void schedule(domain::id_t id, domain::timestamp at) = 0;
  /// Forgets the deadline of `id`, if any.
  virtual void cancel(domain::id_t id) = 0;
};

class order_expiry_timer final : public expiry_schedule {
public:
  /// Called on the timer's thread with the id whose deadline passed; must not block.
  using fire_fn = std::function<void(domain::id_t)>;

  /// Starts the thread; deadlines are read against `clock`, which must outlive the timer.
  order_expiry_timer(const domain::clock& clock, fire_fn fire);
  ~order_expiry_timer() override { stop(); }
  order_expiry_timer(const order_expiry_timer&) = delete;
  order_expiry_timer& operator=(const order_expiry_timer&) = delete;

  /// Fires `id` once the clock reaches `at` (at once if it already has). Replaces an earlier
  /// deadline of the same id.
  void schedule(domain::id_t id, domain::timestamp at) override;

  /// Forgets the deadline of `id`, if any.
  void cancel(domain::id_t id) override;

  /// Makes the thread read the clock again (call it when the clock jumped).
  void poke();

  /// Joins the thread; pending deadlines never fire. Idempotent.
  void stop() { thread_.stop(); }

private:
  void run();
  void erase_locked(domain::id_t id);
  void sleep_locked(std::unique_lock<std::mutex>& lock, domain::timestamp now);

  const domain::clock& clock_;
  fire_fn fire_;
  // Guarded by thread_.mutex():
  std::multimap<domain::timestamp, domain::id_t> due_;
  std::unordered_map<domain::id_t, decltype(due_)::iterator> by_id_;
  domain::timestamp sleeping_until_ = INT64_MIN; ///< INT64_MIN while awake
  bool poked_ = false;                           ///< the thread must re-read the clock
  storage::worker_thread thread_;                ///< last: stops before the rest is destroyed
};

} // namespace actorshop::actors
