// answer_once<T>: the one-shot answer a facade command carries through the actors. Copyable (CAF
// may copy messages); the callback runs at most once, and if every copy is destroyed unanswered
// (the message was dropped by a stopping actor, the system shut down) it answers
// SERVICE_UNAVAILABLE, so no caller ever waits forever.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <utility>

#include "domain/result.hpp"

namespace actorshop::actors {

/// Counts commands that have not been answered yet (shutdown waits for zero).
struct inflight_counter {
  std::atomic<std::int64_t> count{0};
};

template <class T> class answer_once {
public:
  using fn = std::function<void(domain::result<T>)>;

  answer_once() = default;
  answer_once(fn f, std::shared_ptr<inflight_counter> counter = nullptr)
      : core_(std::make_shared<core>(std::move(f), std::move(counter))) {}

  /// Answers the caller; later calls do nothing.
  void operator()(domain::result<T> r) const {
    if (core_)
      core_->answer(std::move(r));
  }
  explicit operator bool() const noexcept { return core_ != nullptr; }

  /// When the facade made this answer, i.e. sent the command (zero if not stamped): the start of
  /// the command's mailbox time.
  std::chrono::steady_clock::time_point sent_at() const noexcept {
    return core_ ? core_->sent_at : std::chrono::steady_clock::time_point{};
  }
  /// Stamps sent_at with now (the facade calls it just before sending).
  void stamp() const noexcept {
    if (core_)
      core_->sent_at = std::chrono::steady_clock::now();
  }

private:
  struct core {
    fn f;
    std::shared_ptr<inflight_counter> counter;
    std::atomic<bool> answered{false};
    std::chrono::steady_clock::time_point sent_at{};

    core(fn cb, std::shared_ptr<inflight_counter> c) : f(std::move(cb)), counter(std::move(c)) {
      if (counter)
        counter->count.fetch_add(1, std::memory_order_relaxed);
    }
    ~core() { answer(domain::errc::unavailable); }

    void answer(domain::result<T> r) {
      if (answered.exchange(true, std::memory_order_acq_rel))
        return;
      if (f)
        f(std::move(r));
      if (counter)
        counter->count.fetch_sub(1, std::memory_order_acq_rel);
    }
  };
  std::shared_ptr<core> core_;
};

} // namespace actorshop::actors
