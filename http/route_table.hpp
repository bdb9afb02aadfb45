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

struct route_match {
  route matched = route::unmatched;
  bool method_ok = false; ///< false: 405 with `allow`
  std::string_view allow; ///< the one method the route accepts
  bool has_id = false;    ///< the path holds an id segment
  domain::id_t id = 0;    ///< 0 if the segment is not a positive integer
  std::string_view query; ///< after '?', without it
};

/// Returns the route for `target` ("/path?query") and whether `method` is the route's method.
route_match match_route(boost::beast::http::verb method, std::string_view target) noexcept;

/// Returns the value of `name` in `query` ("a=1&b=2"), or nothing.
std::optional<std::string_view> query_param(std::string_view query, std::string_view name) noexcept;

} // namespace actorshop::http
