// Route labels.
#include "http/route.hpp"

#include <array>

namespace actorshop::http {

std::string_view route_label(route r) noexcept {
  static constexpr std::array<std::string_view, static_cast<std::size_t>(route::count_)> labels{
      "unmatched",
      "/balances/{customerId}",
      "/balances/{customerId}/balance-histories",
      "/balances/charge",
      "/products",
      "/products/{id}",
      "/products/popular",
      "/coupons/issue",
      "/coupons/customer/{customerId}",
      "/orders",
      "/orders/{orderId}",
      "/payments",
      "/coupons",
      "/health",
      "/metrics",
      "/dashboard",
      "/dashboard/data",
  };
  auto i = static_cast<std::size_t>(r);
  return i < labels.size() ? labels[i] : labels[0];
}

} // namespace actorshop::http
