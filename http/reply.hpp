// reply: what the router answers, independent of sockets; and the one place that maps a domain
// error kind to an HTTP status.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "domain/errors.hpp"

namespace actorshop::http {

/// The routes of spec §3 (plus the two fallbacks), used for dispatch and as a metrics label.
enum class route : std::uint8_t {
  unmatched,
  balance,
  balance_history,
  charge,
  products,
  product,
  popular,
  issue_coupon,
  customer_coupons,
  create_order,
  order,
  pay,
  create_coupon,
  health,
  metrics,
  count_ ///< number of routes, for tables
};

/// Returns the route's template path, e.g. "/balances/{customerId}" (the metrics label).
std::string_view route_label(route r) noexcept;

/// A response, before it becomes bytes.
struct reply {
  unsigned status = 200;
  std::string body;                 ///< JSON, or Prometheus text when `text` is set
  route matched = route::unmatched; ///< for metrics
  std::string_view allow;           ///< the Allow header of a 405
  bool retry_after = false;         ///< adds "Retry-After: 1" (503 on overload)
  bool text = false;                ///< Content-Type text/plain (metrics)
};

/// Called exactly once with the reply, possibly on another thread (an actor's).
using respond_fn = std::function<void(reply)>;

/// Maps an error kind to its HTTP status: invalid_argument 400, not_found 404, conflict 409,
/// unavailable 503, timeout 504, internal 500.
unsigned status_of(domain::error_kind kind) noexcept;

/// Returns the reply for `e` with its default message, or `message` if not empty.
reply error_reply(domain::errc e, std::string_view message = {});

/// Returns a reply for a failure that has no domain code (404 route, 405, 401, 413, ...).
reply protocol_error(unsigned status, std::string_view code, std::string_view message);

} // namespace actorshop::http
