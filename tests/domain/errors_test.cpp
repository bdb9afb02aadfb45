#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "domain/errors.hpp"

using namespace actorshop::domain;

TEST_CASE("every error has a distinct stable code of the API", "[domain][errors]") {
  std::set<std::string> codes;
  for (int i = 1; i <= static_cast<int>(errc::shard_unavailable); ++i)
    CHECK(codes.insert(std::string(code_of(static_cast<errc>(i)))).second);
  CHECK(code_of(errc::coupon_insufficient) == "COUPON_INSUFFICIENT");
  CHECK(code_of(errc::coupon_already_issued) == "COUPON_ALREADY_ISSUED");
  CHECK(code_of(errc::payment_discount_exceeds_total_price) ==
        "PAYMENT_DISCOUNT_EXCEEDS_TOTAL_PRICE");
  CHECK(code_of(errc::customer_coupon_not_found) == "CUSTOMER_COUPON_NOT_FOUND");
}

TEST_CASE("error kinds follow the statuses of the API table", "[domain][errors]") {
  CHECK(describe(errc::customer_not_found).kind == error_kind::not_found);
  CHECK(describe(errc::coupon_already_issued).kind == error_kind::conflict);
  CHECK(describe(errc::coupon_insufficient).kind == error_kind::conflict);
  CHECK(describe(errc::coupon_invalid_period).kind == error_kind::invalid_argument);
  CHECK(describe(errc::balance_invalid_amount).kind == error_kind::invalid_argument);
  CHECK(describe(errc::product_option_mismatch).kind == error_kind::conflict);
  CHECK(describe(errc::stock_insufficient).kind == error_kind::conflict);
  CHECK(describe(errc::order_not_payable).kind == error_kind::conflict);
  CHECK(describe(errc::payment_discount_exceeds_total_price).kind == error_kind::invalid_argument);
  CHECK(describe(errc::unavailable).kind == error_kind::unavailable);
  CHECK(describe(errc::storage_full).kind == error_kind::unavailable);
  CHECK(code_of(errc::storage_full) == "STORAGE_FULL");
  CHECK(describe(errc::forbidden).kind == error_kind::forbidden);
  CHECK(code_of(errc::forbidden) == "FORBIDDEN");
  CHECK(describe(errc::shard_unavailable).kind == error_kind::unavailable);
  CHECK(code_of(errc::shard_unavailable) == "SHARD_UNAVAILABLE");
  CHECK(describe(static_cast<errc>(250)).code == "INTERNAL_ERROR");
}
