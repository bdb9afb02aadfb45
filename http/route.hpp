// route: the routes of spec §3 (plus the fallback), used for dispatch and as a metrics label.
#pragma once

#include <cstdint>
#include <string_view>

namespace actorshop::http {

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
  dashboard,
  dashboard_data,
  count_ ///< number of routes, for tables
};

/// Returns the route's template path, e.g. "/balances/{customerId}" (the metrics label).
std::string_view route_label(route r) noexcept;

} // namespace actorshop::http
