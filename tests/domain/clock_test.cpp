#include <catch2/catch.hpp>

#include "domain/clock.hpp"

using namespace actorshop::domain;

TEST_CASE("a manual clock stands still until advanced, then tells its live listeners",
          "[domain][clock]") {
  manual_clock clock{1'000};
  int jumps = 0;
  auto listening = clock.on_jump([&] { ++jumps; });
  CHECK(clock.now() == 1'000);
  clock.advance(250);
  CHECK(clock.now() == 1'250);
  CHECK(jumps == 1);
  listening.reset(); // a dropped handle is never called again
  clock.advance(1);
  CHECK(jumps == 1);
}

TEST_CASE("the system clock never jumps", "[domain][clock]") {
  system_clock clock;
  CHECK(clock.on_jump([] {}) == nullptr);
  CHECK(clock.now() > 0);
}
