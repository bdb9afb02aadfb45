// Order expiry deadlines on one thread of their own. CAF's clock wakes its thread on every
// delayed_send and keeps each timer (and the actor it targets) until it fires; orders all get the
// same TTL, so a new deadline is almost never the earliest: this timer sleeps through them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "domain/model.hpp"
#include "domain/time.hpp"

namespace actorshop::actors {

class expiry_timer {
public:
  /// Called on the timer's thread with the id whose deadline passed; must not block.
  using fire_fn = std::function<void(domain::id_t)>;

  explicit expiry_timer(fire_fn fire); ///< starts the thread
  ~expiry_timer();                     ///< stop()
  expiry_timer(const expiry_timer&) = delete;
  expiry_timer& operator=(const expiry_timer&) = delete;

  /// Fires `id` once `domain::now_ms()` reaches `at` (at once if it already has). Replaces an
  /// earlier deadline of the same id.
  void schedule(domain::id_t id, domain::timestamp at);

  /// Forgets the deadline of `id`, if any.
  void cancel(domain::id_t id);

  /// Joins the thread; pending deadlines never fire. Idempotent.
  void stop();

private:
  void run();
  void erase_locked(domain::id_t id);

  fire_fn fire_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<domain::timestamp, domain::id_t> due_;               // guarded by mutex_
  std::unordered_map<domain::id_t, decltype(due_)::iterator> by_id_; // guarded by mutex_
  domain::timestamp sleeping_until_ = INT64_MIN; // guarded; INT64_MIN while awake
  bool stopping_ = false;                        // guarded by mutex_
  std::thread thread_;
};

} // namespace actorshop::actors
