// The rate-limited logger's decisions under a manual clock: the first occurrence of an error code
// is logged, then at most one line per interval per code, carrying the count it stood for.
#include <catch2/catch.hpp>

#include <memory>

#include "domain/clock.hpp"
#include "storage/logging.hpp"

using namespace actorshop;
using storage::log_limiter;
using namespace std::chrono_literals;

TEST_CASE("the first occurrence of a code is logged, then one line per interval with the count",
          "[storage][logging]") {
  auto clock = std::make_shared<domain::manual_clock>(1'000'000);
  log_limiter limiter(clock);
  auto first = limiter.admit("storage full", 1s);
  CHECK(first.log);
  CHECK(first.suppressed == 0);
  for (int i = 0; i < 12'345; ++i)
    CHECK_FALSE(limiter.admit("storage full", 1s).log);
  clock->advance(999);
  CHECK_FALSE(limiter.admit("storage full", 1s).log); // 12,346 suppressed now
  clock->advance(1);
  auto next = limiter.admit("storage full", 1s);
  CHECK(next.log);
  CHECK(next.suppressed == 12'346);
  CHECK(next.window_ms == 1'000);
  // The window starts again at the logged line.
  CHECK_FALSE(limiter.admit("storage full", 1s).log);
  clock->advance(1'000);
  auto third = limiter.admit("storage full", 1s);
  CHECK(third.log);
  CHECK(third.suppressed == 1);
}

TEST_CASE("each error code has its own window and interval", "[storage][logging]") {
  auto clock = std::make_shared<domain::manual_clock>(5'000);
  log_limiter limiter(clock);
  CHECK(limiter.admit("storage full", 1s).log);
  CHECK(limiter.admit("answered 503 SERVICE_UNAVAILABLE", 1s).log); // another code: its own first
  CHECK(limiter.admit("outbox backlog", 1min).log);
  CHECK_FALSE(limiter.admit("storage full", 1s).log);
  clock->advance(1'000);
  CHECK(limiter.admit("storage full", 1s).log);
  CHECK_FALSE(limiter.admit("outbox backlog", 1min).log); // a minute, not a second
  clock->advance(59'000);
  auto backlog = limiter.admit("outbox backlog", 1min);
  CHECK(backlog.log);
  CHECK(backlog.suppressed == 1);
}

TEST_CASE("a quiet code is logged as a first occurrence again", "[storage][logging]") {
  auto clock = std::make_shared<domain::manual_clock>(0);
  log_limiter limiter(clock);
  CHECK(limiter.admit("fsync failed", 1s).log);
  clock->advance(3'600'000);
  auto again = limiter.admit("fsync failed", 1s);
  CHECK(again.log);
  CHECK(again.suppressed == 0);
}

TEST_CASE("take_suppressed reports the unreported counts once", "[storage][logging]") {
  auto clock = std::make_shared<domain::manual_clock>(0);
  log_limiter limiter(clock);
  limiter.admit("storage full", 1s);
  limiter.admit("storage full", 1s);
  limiter.admit("storage full", 1s);
  limiter.admit("event sink failed", 1s); // only a first occurrence: nothing to report
  auto tail = limiter.take_suppressed();
  REQUIRE(tail.size() == 1);
  CHECK(tail[0].first == "storage full");
  CHECK(tail[0].second == 2);
  CHECK(limiter.take_suppressed().empty());
}

TEST_CASE("counts are written with thousands separators", "[storage][logging]") {
  CHECK(storage::with_thousands(0) == "0");
  CHECK(storage::with_thousands(999) == "999");
  CHECK(storage::with_thousands(12'345) == "12,345");
  CHECK(storage::with_thousands(1'234'567) == "1,234,567");
}
