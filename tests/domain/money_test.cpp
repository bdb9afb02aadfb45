#include <catch2/catch.hpp>

#include <limits>

#include "domain/money.hpp"

using namespace actorshop::domain;
constexpr auto max64 = std::numeric_limits<std::int64_t>::max();
constexpr auto min64 = std::numeric_limits<std::int64_t>::min();

TEST_CASE("checked arithmetic returns the exact result when it fits", "[domain][money]") {
  CHECK(checked_add(50'000'000, 1000) == 50'001'000);
  CHECK(checked_sub(1000, 1001) == -1);
  CHECK(checked_mul(12'000, 3) == 36'000);
}

TEST_CASE("checked arithmetic refuses every 64-bit overflow", "[domain][money]") {
  CHECK_FALSE(checked_add(max64, 1));
  CHECK_FALSE(checked_sub(min64, 1));
  CHECK_FALSE(checked_mul(max64 / 2 + 1, 2));
  CHECK_FALSE(checked_mul(min64, -1));
  CHECK(checked_add(max64, 0) == max64);
}
