// clock: where "now" comes from. Rules take `now` as an argument; the actors and the order expiry
// timer read it from the clock the shop was given, so tests can move time instead of sleeping.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "domain/time.hpp"

namespace actorshop::domain {

class clock {
public:
  virtual ~clock() = default;

  /// Returns the current time.
  virtual timestamp now() const = 0;

  /// Calls `on_jump` after every jump of this clock, for as long as the returned handle lives.
  /// Whoever sleeps towards a deadline needs it: a jump may have brought the deadline forward.
  /// The system clock only flows, so it never calls it.
  [[nodiscard]] virtual std::shared_ptr<void> on_jump(std::function<void()> on_jump) = 0;
};

/// The wall clock (UTC milliseconds).
class system_clock final : public clock {
public:
  timestamp now() const override { return now_ms(); }
  std::shared_ptr<void> on_jump(std::function<void()>) override { return nullptr; }
};

/// A clock that stands still until a test advances it.
class manual_clock final : public clock {
public:
  explicit manual_clock(timestamp start = now_ms()) : now_(start) {}

  timestamp now() const override;
  std::shared_ptr<void> on_jump(std::function<void()> on_jump) override;

  /// Moves time forward by `ms`, then calls every live on_jump listener on this thread.
  void advance(timestamp ms);

private:
  using listener = std::function<void()>;
  mutable std::mutex mutex_;
  timestamp now_;                                  // guarded by mutex_
  std::vector<std::weak_ptr<listener>> listeners_; // guarded by mutex_
};

} // namespace actorshop::domain
