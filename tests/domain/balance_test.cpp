#include <catch2/catch.hpp>

#include <limits>

#include "domain/balance.hpp"

using namespace actorshop::domain;
constexpr money max_charge = 100'000'000;

TEST_CASE("a charge adds a positive amount up to the configured maximum", "[domain][balance]") {
  CHECK(*charge(50'000'000, 1, max_charge) == 50'000'001);
  CHECK(*charge(0, max_charge, max_charge) == max_charge);
}

TEST_CASE("a charge of zero, a negative or an over-maximum amount is invalid",
          "[domain][balance]") {
  CHECK(charge(100, 0, max_charge).error() == errc::balance_invalid_amount);
  CHECK(charge(100, -5, max_charge).error() == errc::balance_invalid_amount);
  CHECK(charge(100, max_charge + 1, max_charge).error() == errc::balance_invalid_amount);
}

TEST_CASE("a charge that would overflow the balance is invalid", "[domain][balance]") {
  auto big = std::numeric_limits<money>::max() - 10;
  CHECK(charge(big, 11, max_charge).error() == errc::balance_invalid_amount);
  CHECK(*charge(big, 10, max_charge) == std::numeric_limits<money>::max());
}

TEST_CASE("a debit never makes the balance negative", "[domain][balance]") {
  CHECK(*debit(1000, 1000) == 0);
  CHECK(*debit(1000, 0) == 1000);
  CHECK(debit(999, 1000).error() == errc::balance_insufficient);
  CHECK(debit(1000, -1).error() == errc::invalid_request);
}

TEST_CASE("a refund restores the amount and refuses overflow", "[domain][balance]") {
  CHECK(*refund(0, 1000) == 1000);
  CHECK(refund(std::numeric_limits<money>::max(), 1).error() == errc::balance_invalid_amount);
}
