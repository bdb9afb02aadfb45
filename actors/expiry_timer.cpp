#include "actors/expiry_timer.hpp"

#include <pthread.h>

#include <chrono>
#include <vector>

namespace actorshop::actors {

expiry_timer::expiry_timer(fire_fn fire) : fire_(std::move(fire)) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "order-expiry");
    run();
  });
}

expiry_timer::~expiry_timer() { stop(); }

void expiry_timer::schedule(domain::id_t id, domain::timestamp at) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    erase_locked(id);
    by_id_.emplace(id, due_.emplace(at, id));
    // Only a deadline before the one the thread sleeps towards needs a wake-up.
    wake = at < sleeping_until_;
  }
  if (wake)
    wake_.notify_one();
}

void expiry_timer::cancel(domain::id_t id) {
  std::lock_guard lock(mutex_);
  erase_locked(id);
}

void expiry_timer::erase_locked(domain::id_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return;
  due_.erase(it->second);
  by_id_.erase(it);
}

void expiry_timer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

void expiry_timer::run() {
  std::vector<domain::id_t> fired;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = domain::now_ms();
    while (!due_.empty() && due_.begin()->first <= now) {
      fired.push_back(due_.begin()->second);
      by_id_.erase(due_.begin()->second);
      due_.erase(due_.begin());
    }
    if (!fired.empty()) { // fire without the lock: the receivers may schedule or cancel
      lock.unlock();
      for (auto id : fired)
        fire_(id);
      fired.clear();
      lock.lock();
      continue;
    }
    sleeping_until_ = due_.empty() ? INT64_MAX : due_.begin()->first;
    if (due_.empty())
      wake_.wait(lock);
    else
      wake_.wait_for(lock, std::chrono::milliseconds(sleeping_until_ - now));
    sleeping_until_ = INT64_MIN;
  }
}

} // namespace actorshop::actors
