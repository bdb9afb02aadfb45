#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "actors/order_expiry.hpp"

using namespace actorshop;

namespace {

// Collects fired ids; wait_for returns once `n` ids fired (generous bound for a loaded machine).
struct fired_ids {
  std::mutex mutex;
  std::condition_variable fired;
  std::vector<domain::id_t> ids;
  void add(domain::id_t id) {
    std::lock_guard lock(mutex);
    ids.push_back(id);
    fired.notify_all();
  }
  std::vector<domain::id_t> wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    fired.wait_for(lock, std::chrono::seconds(20), [&] { return ids.size() >= n; });
    return ids;
  }
};

} // namespace

TEST_CASE("an earlier deadline fires before the later one the timer was sleeping towards",
          "[actors][expiry]") {
  domain::manual_clock clock;
  fired_ids fired;
  actors::order_expiry_timer timer(clock, [&](domain::id_t id) { fired.add(id); });
  const auto now = clock.now();
  timer.schedule(1, now + 60'000); // the timer now sleeps for a minute
  timer.schedule(2, now + 50);
  clock.advance(50);
  auto ids = fired.wait_for(1);
  REQUIRE(ids.size() == 1);
  CHECK(ids[0] == 2);
  CHECK(clock.now() >= now + 50);
}

TEST_CASE("a cancelled or rescheduled deadline fires only as the last schedule says",
          "[actors][expiry]") {
  domain::manual_clock clock;
  fired_ids fired;
  actors::order_expiry_timer timer(clock, [&](domain::id_t id) { fired.add(id); });
  const auto now = clock.now();
  timer.schedule(1, now + 30);
  timer.cancel(1);
  timer.schedule(2, now + 60'000);
  timer.schedule(2, now + 40); // replaces the minute-long deadline
  timer.schedule(3, now - 5);  // already due: fires at once
  fired.wait_for(1);
  // Past every deadline: a cancelled 1 (due before 2) would fire before, or with, 2.
  clock.advance(100);
  fired.wait_for(2);
  std::lock_guard lock(fired.mutex);
  CHECK(fired.ids == std::vector<domain::id_t>{3, 2});
}
