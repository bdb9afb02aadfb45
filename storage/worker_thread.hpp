// worker_thread: one named background thread with its own mutex and wake-up, the shape of every
// loop of the daemon (writer, checkpointer, WAL syncer, order expiry timer, outbox dispatcher).
// Stopping is std::jthread's stop_token: a waiting loop wakes on a stop request without a flag of
// its own, and the destructor stops and joins, so an owner cannot forget either.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace actorshop::storage {

class worker_thread {
public:
  /// The loop; it returns when `stop_requested()` (after whatever draining it must do).
  using body_fn = std::function<void(worker_thread&)>;

  worker_thread() = default;
  ~worker_thread() { stop(); }
  worker_thread(const worker_thread&) = delete;
  worker_thread& operator=(const worker_thread&) = delete;

  /// Starts `body` on a new thread named `name` (at most 15 characters are shown by the OS).
  /// Call it once, at the end of the owner's constructor, when what the body reads exists.
  void start(std::string name, body_fn body);

  /// Requests a stop, wakes the loop and joins it. Idempotent. Called from the loop's own thread,
  /// it only requests the stop (a thread cannot join itself).
  void stop();

  /// Whether stop() was called (the loop's own thread only).
  bool stop_requested() const noexcept { return token_.stop_requested(); }

  /// Whether stop() was called, from any thread: producers check it under mutex() to refuse work
  /// the loop would no longer see.
  bool stopping() const noexcept { return source_.stop_requested(); }

  /// Whether the caller runs on the loop's thread.
  bool is_current() const noexcept { return id_.load() == std::this_thread::get_id(); }

  /// The mutex that guards whatever the loop and its producers share.
  std::mutex& mutex() noexcept { return mutex_; }

  /// Wakes the loop if it waits (call it after changing shared state, with or without the lock).
  void notify() { wake_.notify_all(); }

  /// Waits, holding `lock` on mutex(), until `ready()` or a stop request; returns `ready()`.
  /// The loop's own thread only.
  template <class Pred> bool wait(std::unique_lock<std::mutex>& lock, Pred ready) {
    return wake_.wait(lock, token_, std::move(ready));
  }

  /// As wait(), but gives up at `deadline` (a std::chrono time point of any clock).
  template <class TimePoint, class Pred>
  bool wait_until(std::unique_lock<std::mutex>& lock, const TimePoint& deadline, Pred ready) {
    return wake_.wait_until(lock, token_, deadline, std::move(ready));
  }

private:
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::stop_token token_; // set by the loop's thread before the body runs; read only there
  std::stop_source source_{std::nostopstate}; // the thread's, for stopping() on any thread
  std::atomic<std::thread::id> id_{};
  std::jthread thread_;
};

} // namespace actorshop::storage
