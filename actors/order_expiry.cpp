#include "actors/order_expiry.hpp"

#include <chrono>
#include <vector>

namespace actorshop::actors {

order_expiry_timer::order_expiry_timer(const domain::clock& clock, fire_fn fire)
    : clock_(clock), fire_(std::move(fire)) {
  thread_.start("order-expiry", [this](storage::worker_thread&) { run(); });
}

void order_expiry_timer::schedule(domain::id_t id, domain::timestamp at) {
  std::lock_guard lock(thread_.mutex());
  erase_locked(id);
  by_id_.emplace(id, due_.emplace(at, id));
  // Only a deadline before the one the thread sleeps towards needs a wake-up.
  if (at < sleeping_until_) {
    poked_ = true;
    thread_.notify();
  }
}

void order_expiry_timer::cancel(domain::id_t id) {
  std::lock_guard lock(thread_.mutex());
  erase_locked(id);
}

void order_expiry_timer::poke() {
  std::lock_guard lock(thread_.mutex());
  poked_ = true;
  thread_.notify();
}

void order_expiry_timer::erase_locked(domain::id_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return;
  due_.erase(it->second);
  by_id_.erase(it);
}

void order_expiry_timer::run() {
  std::vector<domain::id_t> fired;
  std::unique_lock lock(thread_.mutex());
  while (!thread_.stop_requested()) {
    const auto now = clock_.now();
    while (!due_.empty() && due_.begin()->first <= now) {
      fired.push_back(due_.begin()->second);
      by_id_.erase(due_.begin()->second);
      due_.erase(due_.begin());
    }
    if (fired.empty()) {
      sleep_locked(lock, now);
      continue;
    }
    lock.unlock(); // fire without the lock: the receivers may schedule or cancel
    for (auto id : fired)
      fire_(id);
    fired.clear();
    lock.lock();
  }
}

// Sleeps until the earliest deadline by the steady clock, a poke, or a stop request. With a
// manual clock the steady wait is only an upper bound; advancing the clock pokes.
void order_expiry_timer::sleep_locked(std::unique_lock<std::mutex>& lock, domain::timestamp now) {
  auto woken = [this] { return poked_; };
  sleeping_until_ = due_.empty() ? INT64_MAX : due_.begin()->first;
  if (due_.empty())
    thread_.wait(lock, woken);
  else
    thread_.wait_until(
        lock, std::chrono::steady_clock::now() + std::chrono::milliseconds(sleeping_until_ - now),
        woken);
  sleeping_until_ = INT64_MIN;
  poked_ = false;
}

} // namespace actorshop::actors
