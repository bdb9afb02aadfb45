#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "domain/pricing.hpp"

using namespace actorshop::domain;

namespace {
catalog seed_like_catalog() {
  return catalog{{{5001, "티셔츠", 10'000}, {5002, "후드티", 15'000}},
                 {{6001, 5001, "S", 0},
                  {6002, 5001, "M", 1000},
                  {6003, 5001, "L", 2000},
                  {6005, 5002, "M", 1000}}};
}
} // namespace

TEST_CASE("an order costs the sum of (base + extra) * quantity", "[domain][pricing]") {
  std::vector<order_line_request> lines{{5001, 6001, 1}, {5002, 6005, 2}};
  auto o = price_order(lines, seed_like_catalog());
  REQUIRE(o);
  REQUIRE(o->lines.size() == 2);
  CHECK(o->lines[0].product_name == "티셔츠");
  CHECK(o->lines[0].option_name == "S");
  CHECK(o->lines[0].subtotal == 10'000);
  CHECK(o->lines[1].unit_price == 16'000);
  CHECK(o->lines[1].subtotal == 32'000);
  CHECK(o->total_price == 42'000);
}

TEST_CASE("lines of the same option are merged", "[domain][pricing]") {
  std::vector<order_line_request> lines{{5001, 6003, 1}, {5002, 6005, 1}, {5001, 6003, 2}};
  auto o = price_order(lines, seed_like_catalog());
  REQUIRE(o);
  REQUIRE(o->lines.size() == 2);
  CHECK(o->lines[0].option_id == 6003);
  CHECK(o->lines[0].qty == 3);
  CHECK(o->lines[0].subtotal == 36'000);
  CHECK(o->total_price == 36'000 + 16'000);
}

TEST_CASE("an order needs at least one line", "[domain][pricing]") {
  CHECK(price_order({}, seed_like_catalog()).error() == errc::order_item_empty);
}

TEST_CASE("every quantity must be at least 1", "[domain][pricing]") {
  std::vector<order_line_request> zero{{5001, 6001, 0}};
  std::vector<order_line_request> negative{{5001, 6001, 1}, {5001, 6002, -1}};
  CHECK(price_order(zero, seed_like_catalog()).error() == errc::order_invalid_quantity);
  CHECK(price_order(negative, seed_like_catalog()).error() == errc::order_invalid_quantity);
}

TEST_CASE("unknown products and options are not found", "[domain][pricing]") {
  std::vector<order_line_request> no_product{{5999, 6001, 1}};
  std::vector<order_line_request> no_option{{5001, 6999, 1}};
  CHECK(price_order(no_product, seed_like_catalog()).error() == errc::product_not_found);
  CHECK(price_order(no_option, seed_like_catalog()).error() == errc::product_option_not_found);
}

TEST_CASE("an option must belong to the ordered product", "[domain][pricing]") {
  std::vector<order_line_request> lines{{5002, 6001, 1}};
  CHECK(price_order(lines, seed_like_catalog()).error() == errc::product_option_mismatch);
}

TEST_CASE("quantities and totals that overflow 64 bits are refused", "[domain][pricing]") {
  auto huge = std::numeric_limits<quantity>::max();
  std::vector<order_line_request> one_huge{{5001, 6002, huge}};
  std::vector<order_line_request> merged_overflow{{5001, 6001, huge}, {5001, 6001, 1}};
  std::vector<order_line_request> total_overflow{{5001, 6001, huge / 10'000}, {5002, 6005, 1}};
  CHECK(price_order(one_huge, seed_like_catalog()).error() == errc::order_invalid_quantity);
  CHECK(price_order(merged_overflow, seed_like_catalog()).error() == errc::order_invalid_quantity);
  CHECK(price_order(total_overflow, seed_like_catalog()).error() == errc::order_invalid_quantity);
}
