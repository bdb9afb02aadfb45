// route_table: maps a method and request target to a route of spec §3 without allocating or
// using regular expressions (a handful of prefix checks).
#pragma once

#include <optional>
#include <string_view>

#include <ostream> // boost/core/detail/string_view.hpp needs it before verb.hpp

#include <boost/beast/http/verb.hpp>

#include "domain/ids.hpp"
#include "domain/money.hpp"
#include "http/route.hpp"

namespace actorshop::http {

/// Whom a route acts for, so whom a customer token must name (auth.mode = "token"). Every route
/// declares it where it is matched (route_table.cpp); the router enforces it in one place.
enum class acting_for : std::uint8_t {
  nobody,        ///< public: the catalog, /health, /metrics (and an unmatched path)
  admin,         ///< the admin token's, not a customer's (POST /coupons)
  path_customer, ///< the {customerId} in the path
  body_customer, ///< the customerId in the JSON body
  order_owner,   ///< the customer who placed the order named in the path or the body
};

/// True if the route needs a customer token in token mode.
constexpr bool needs_customer_token(acting_for a) noexcept {
  return a == acting_for::path_customer || a == acting_for::body_customer ||
         a == acting_for::order_owner;
}

struct route_match {
  route matched = route::unmatched;
  bool method_ok = false; ///< false: 405 with `allow`
  std::string_view allow; ///< the one method the route accepts
  bool has_id = false;    ///< the path holds an id segment
  domain::id_t id = 0;    ///< 0 if the segment is not a positive integer
  std::string_view query; ///< after '?', without it
  acting_for acts_for = acting_for::nobody;
};

/// Returns the route for `target` ("/path?query") and whether `method` is the route's method.
route_match match_route(boost::beast::http::verb method, std::string_view target) noexcept;

/// Returns the value of `name` in `query` ("a=1&b=2"), or nothing.
std::optional<std::string_view> query_param(std::string_view query, std::string_view name) noexcept;

} // namespace actorshop::http
