#include "storage/worker_thread.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

using actorshop::storage::worker_thread;

TEST_CASE("a worker thread runs its loop until stopped and drains what was queued", "[storage]") {
  std::vector<int> queue;
  std::vector<int> seen;
  std::mutex seen_mutex;
  {
    worker_thread w;
    w.start("test-worker", [&](worker_thread& self) {
      std::unique_lock lock(self.mutex());
      while (true) {
        self.wait(lock, [&] { return !queue.empty(); });
        for (int v : queue)
          seen.push_back(v);
        queue.clear();
        if (self.stop_requested())
          return;
      }
    });
    for (int i = 0; i < 100; ++i) {
      std::lock_guard lock(w.mutex());
      queue.push_back(i);
      w.notify();
    }
  } // destructor stops and joins
  REQUIRE(seen.size() == 100);
  for (int i = 0; i < 100; ++i)
    CHECK(seen[i] == i);
}

TEST_CASE("a stop request wakes a loop that waits for a far deadline", "[storage]") {
  bool woke_by_deadline = true;
  worker_thread w;
  w.start("test-sleeper", [&](worker_thread& self) {
    std::unique_lock lock(self.mutex());
    auto far = std::chrono::steady_clock::now() + std::chrono::hours(24);
    self.wait_until(lock, far, [] { return false; });
    woke_by_deadline = !self.stop_requested();
  });
  w.stop(); // returns only once the loop has ended: a day-long wait is not waited for
  CHECK_FALSE(woke_by_deadline);
  w.stop(); // idempotent
}
