#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/expiry_timer.hpp"

using namespace actorshop;

namespace {

// Collects fired ids; wait_for returns once `n` ids fired (generous bound for a loaded machine).
struct fired_ids {
  std::mutex mutex;
  std::vector<domain::id_t> ids;
  void add(domain::id_t id) {
    std::lock_guard lock(mutex);
    ids.push_back(id);
  }
  std::vector<domain::id_t> wait_for(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (ids.size() >= n || std::chrono::steady_clock::now() > deadline)
          return ids;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
};

} // namespace

TEST_CASE("an earlier deadline fires before the later one the timer was sleeping towards",
          "[actors][expiry]") {
  fired_ids fired;
  actors::expiry_timer timer([&](domain::id_t id) { fired.add(id); });
  const auto now = domain::now_ms();
  timer.schedule(1, now + 60'000); // the timer now sleeps for a minute
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  timer.schedule(2, now + 50);
  auto ids = fired.wait_for(1);
  REQUIRE(ids.size() == 1);
  CHECK(ids[0] == 2);
  CHECK(domain::now_ms() >= now + 50);
}

TEST_CASE("a cancelled or rescheduled deadline fires only as the last schedule says",
          "[actors][expiry]") {
  fired_ids fired;
  actors::expiry_timer timer([&](domain::id_t id) { fired.add(id); });
  const auto now = domain::now_ms();
  timer.schedule(1, now + 30);
  timer.cancel(1);
  timer.schedule(2, now + 60'000);
  timer.schedule(2, now + 40); // replaces the minute-long deadline
  timer.schedule(3, now - 5);  // already due: fires at once
  fired.wait_for(2);
  std::this_thread::sleep_for(std::chrono::milliseconds(100)); // a cancelled one would fire now
  std::lock_guard lock(fired.mutex);
  CHECK(fired.ids == std::vector<domain::id_t>{3, 2});
}
