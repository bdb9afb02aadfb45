// Error mapping and route labels.
#include "http/reply.hpp"

#include <array>

#include "http/codec.hpp"

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
  };
  auto i = static_cast<std::size_t>(r);
  return i < labels.size() ? labels[i] : labels[0];
}

unsigned status_of(domain::error_kind kind) noexcept {
  switch (kind) {
  case domain::error_kind::invalid_argument:
    return 400;
  case domain::error_kind::not_found:
    return 404;
  case domain::error_kind::conflict:
    return 409;
  case domain::error_kind::unavailable:
    return 503;
  case domain::error_kind::timeout:
    return 504;
  case domain::error_kind::internal:
    return 500;
  }
  return 500;
}

reply error_reply(domain::errc e, std::string_view message) {
  const auto& info = domain::describe(e);
  reply r;
  r.status = status_of(info.kind);
  r.body = encode_error(info.code, message.empty() ? info.message : message);
  r.retry_after = r.status == 503;
  return r;
}

reply protocol_error(unsigned status, std::string_view code, std::string_view message) {
  reply r;
  r.status = status;
  r.body = encode_error(code, message);
  return r;
}

} // namespace actorshop::http
