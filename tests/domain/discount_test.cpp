#include <catch2/catch.hpp>

#include <limits>

#include "domain/discount.hpp"

using namespace actorshop::domain;

TEST_CASE("a FIXED coupon takes its amount off the total", "[domain][discount]") {
  auto d = apply_discount(21'000, discount_type::fixed, 1000);
  REQUIRE(d);
  CHECK(d->original == 21'000);
  CHECK(d->discount == 1000);
  CHECK(d->final_price == 20'000);
}

TEST_CASE("a RATE coupon takes floor(total * rate / 100) off", "[domain][discount]") {
  CHECK(apply_discount(10'001, discount_type::rate, 10)->discount == 1000);
  CHECK(apply_discount(199, discount_type::rate, 50)->discount == 99);
  CHECK(apply_discount(12'345, discount_type::rate, 100)->final_price == 0);
}

TEST_CASE("a RATE discount on a huge total does not overflow", "[domain][discount]") {
  auto total = std::numeric_limits<money>::max();
  auto d = apply_discount(total, discount_type::rate, 100);
  REQUIRE(d);
  CHECK(d->discount == total);
  CHECK(d->final_price == 0);
}

TEST_CASE("a discount above the total is refused, equal to it pays 0", "[domain][discount]") {
  CHECK(apply_discount(999, discount_type::fixed, 1000).error() ==
        errc::payment_discount_exceeds_total_price);
  auto equal = apply_discount(1000, discount_type::fixed, 1000);
  REQUIRE(equal);
  CHECK(equal->final_price == 0);
}

TEST_CASE("no coupon means no discount", "[domain][discount]") {
  auto d = no_discount(5000);
  CHECK(d.discount == 0);
  CHECK(d.final_price == 5000);
}
