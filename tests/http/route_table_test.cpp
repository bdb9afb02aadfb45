// Routing and the error-kind -> status mapping.
#include <catch2/catch.hpp>

#include "http/response.hpp"
#include "http/route_table.hpp"

using namespace actorshop;
using namespace actorshop::http;
using boost::beast::http::verb;

TEST_CASE("every path of spec §3 maps to its route and method", "[http][route]") {
  struct row {
    verb m;
    const char* target;
    route r;
    domain::id_t id;
  };
  const row rows[] = {
      {verb::get, "/balances/1001", route::balance, 1001},
      {verb::get, "/balances/1001/balance-histories", route::balance_history, 1001},
      {verb::patch, "/balances/charge", route::charge, 0},
      {verb::get, "/products", route::products, 0},
      {verb::get, "/products/5001", route::product, 5001},
      {verb::get, "/products/popular?days=3", route::popular, 0},
      {verb::post, "/coupons/issue", route::issue_coupon, 0},
      {verb::get, "/coupons/customer/1001", route::customer_coupons, 1001},
      {verb::post, "/orders", route::create_order, 0},
      {verb::get, "/orders/9", route::order, 9},
      {verb::post, "/payments", route::pay, 0},
      {verb::post, "/coupons", route::create_coupon, 0},
      {verb::get, "/health", route::health, 0},
      {verb::get, "/metrics", route::metrics, 0},
  };
  for (const auto& r : rows) {
    auto m = match_route(r.m, r.target);
    INFO(r.target);
    CHECK(m.matched == r.r);
    CHECK(m.method_ok);
    CHECK(m.id == r.id);
  }
}

TEST_CASE("a wrong method is reported with the allowed one", "[http][route]") {
  auto m = match_route(verb::delete_, "/orders/1");
  CHECK(m.matched == route::order);
  CHECK_FALSE(m.method_ok);
  CHECK(m.allow == "GET");
  CHECK(match_route(verb::get, "/balances/charge").allow == "PATCH");
}

TEST_CASE("unknown paths and ids that are not positive integers are recognised", "[http][route]") {
  CHECK(match_route(verb::get, "/nope").matched == route::unmatched);
  CHECK(match_route(verb::get, "/balances/1/x").matched == route::unmatched);
  CHECK(match_route(verb::get, "/orders/1/2").matched == route::unmatched);
  CHECK(match_route(verb::get, "/orders/abc").id == 0);
  CHECK(match_route(verb::get, "/orders/-1").id == 0);
  CHECK(match_route(verb::get, "/orders/0").id == 0);
  CHECK(match_route(verb::get, "/orders/99999999999999999999").id == 0);
}

TEST_CASE("a path id is any positive 64-bit signed integer, as in a JSON body", "[http][route]") {
  CHECK(match_route(verb::get, "/balances/1000000000000000000").id == 1'000'000'000'000'000'000);
  CHECK(match_route(verb::get, "/balances/9223372036854775807/balance-histories").id ==
        domain::max_id);
  CHECK(match_route(verb::get, "/orders/9223372036854775808").id == 0);
  CHECK(match_route(verb::get, "/orders/+5").id == 0);
  CHECK(match_route(verb::get, "/orders/5x").id == 0);
  CHECK(match_route(verb::get, "/orders/").id == 0);
  CHECK(domain::parse_id("1") == 1);
  CHECK(domain::parse_id(" 1") == 0);
}

TEST_CASE("query parameters are found by name", "[http][route]") {
  CHECK(query_param("a=1&days=7", "days") == std::optional<std::string_view>("7"));
  CHECK_FALSE(query_param("a=1", "days"));
}

TEST_CASE("each error kind maps to exactly one HTTP status", "[http][route]") {
  using k = domain::error_kind;
  CHECK(status_of(k::invalid_argument) == 400);
  CHECK(status_of(k::not_found) == 404);
  CHECK(status_of(k::conflict) == 409);
  CHECK(status_of(k::forbidden) == 403);
  CHECK(status_of(k::unavailable) == 503);
  CHECK(status_of(k::timeout) == 504);
  CHECK(status_of(k::internal) == 500);
  CHECK(error_response(domain::errc::coupon_insufficient).status == 409);
  CHECK(error_response(domain::errc::unavailable).retry_after);
}

TEST_CASE("a full disk is a 503 STORAGE_FULL with Retry-After, unlike a storage failure",
          "[http][route]") {
  auto full = error_response(domain::errc::storage_full);
  CHECK(full.status == 503);
  CHECK(full.retry_after);
  CHECK(full.body.find(R"("code":"STORAGE_FULL")") != std::string::npos);
  CHECK(error_response(domain::errc::storage_failure).status == 500);
}
