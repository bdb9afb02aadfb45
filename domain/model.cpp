// String forms of the model's enums, as stored in SQLite and shown by the API.
#include "domain/model.hpp"

#include <array>

namespace actorshop::domain {
namespace {

template <class E, std::size_t N>
std::optional<E> parse(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s)
      return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 2> discount_names{"FIXED", "RATE"};
constexpr std::array<std::string_view, 3> coupon_status_names{"AVAILABLE", "USED", "EXPIRED"};
constexpr std::array<std::string_view, 4> order_status_names{"CREATED", "PAID", "EXPIRED",
                                                             "CANCELLED"};
constexpr std::array<std::string_view, 3> change_names{"CHARGE", "USE", "REFUND"};

} // namespace

std::string_view to_string(discount_type v) noexcept { return discount_names[std::size_t(v)]; }
std::string_view to_string(coupon_status v) noexcept { return coupon_status_names[std::size_t(v)]; }
std::string_view to_string(order_status v) noexcept { return order_status_names[std::size_t(v)]; }
std::string_view to_string(change_type v) noexcept { return change_names[std::size_t(v)]; }

std::optional<discount_type> parse_discount_type(std::string_view s) noexcept {
  return parse<discount_type>(discount_names, s);
}
std::optional<coupon_status> parse_coupon_status(std::string_view s) noexcept {
  return parse<coupon_status>(coupon_status_names, s);
}
std::optional<order_status> parse_order_status(std::string_view s) noexcept {
  return parse<order_status>(order_status_names, s);
}
std::optional<change_type> parse_change_type(std::string_view s) noexcept {
  return parse<change_type>(change_names, s);
}

} // namespace actorshop::domain
