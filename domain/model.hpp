// Value types of the data model (spec §2) and the views the API returns. Plain data, no behaviour.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ids.hpp"
#include "domain/money.hpp"
#include "domain/time.hpp"

namespace actorshop::domain {

enum class discount_type : std::uint8_t { fixed, rate };
enum class coupon_status : std::uint8_t { available, used, expired };
enum class order_status : std::uint8_t { created, paid, expired, cancelled };
enum class change_type : std::uint8_t { charge, use, refund };

std::string_view to_string(discount_type v) noexcept; ///< "FIXED" | "RATE"
std::string_view to_string(coupon_status v) noexcept; ///< "AVAILABLE" | "USED" | "EXPIRED"
std::string_view to_string(order_status v) noexcept;  ///< "CREATED" | "PAID" | ...
std::string_view to_string(change_type v) noexcept;   ///< "CHARGE" | "USE" | "REFUND"
std::optional<discount_type> parse_discount_type(std::string_view s) noexcept;
std::optional<coupon_status> parse_coupon_status(std::string_view s) noexcept;
std::optional<order_status> parse_order_status(std::string_view s) noexcept;
std::optional<change_type> parse_change_type(std::string_view s) noexcept;

struct product {
  id_t id = 0;
  std::string name;
  money base_price = 0;
};

struct product_option {
  id_t id = 0;
  id_t product_id = 0;
  std::string name; ///< "S", "M", "L"
  money extra_price = 0;
};

struct coupon {
  id_t id = 0;
  std::string name;
  discount_type type = discount_type::fixed;
  money discount_amount = 0; ///< KRW for FIXED, percent (0..100) for RATE
  quantity current_quantity = 0;
  quantity total_quantity = 0;
  timestamp started_at = 0;
  timestamp expired_at = 0;
};

/// A request to create a coupon event (admin).
struct coupon_spec {
  std::string name;
  discount_type type = discount_type::fixed;
  money discount_amount = 0;
  quantity total_quantity = 0;
  timestamp started_at = 0;
  timestamp expired_at = 0;
};

/// One line of POST /orders as the client sent it.
struct order_line_request {
  id_t product_id = 0;
  id_t option_id = 0;
  quantity qty = 0;
};

/// One line of an order after pricing and merging.
struct order_line {
  id_t product_id = 0;
  id_t option_id = 0;
  std::string product_name;
  std::string option_name;
  quantity qty = 0;
  money unit_price = 0; ///< base_price + extra_price
  money subtotal = 0;   ///< unit_price * qty
};

struct order {
  id_t id = 0;
  id_t customer_id = 0;
  order_status status = order_status::created;
  money total_price = 0;
  timestamp created_at = 0;
  timestamp expires_at = 0;
  std::vector<order_line> lines;
};

struct payment {
  id_t id = 0;
  id_t order_id = 0;
  id_t customer_id = 0;
  std::optional<id_t> coupon_id;
  money original_price = 0;
  money discount_amount = 0;
  money discounted_price = 0;
  timestamp paid_at = 0;
};

/// Everything one payment changes, committed as one unit: the payment and the order's lines
/// (whose reserved units become sold).
struct payment_job {
  domain::payment payment;
  std::vector<order_line> lines;
};

struct balance_view {
  id_t customer_id = 0;
  money amount = 0;
};

struct balance_change {
  change_type type = change_type::charge;
  money change_amount = 0;
  money total_amount = 0; ///< the balance right after the change
  timestamp created_at = 0;
};

struct issued_coupon {
  id_t coupon_id = 0;
  id_t customer_id = 0;
  coupon_status status = coupon_status::available;
};

/// A coupon in a customer's wallet (GET /coupons/customer/{id}).
struct wallet_coupon {
  id_t coupon_id = 0;
  std::string name;
  discount_type type = discount_type::fixed;
  money discount_amount = 0;
  coupon_status status = coupon_status::available;
  timestamp issued_at = 0;
  timestamp expired_at = 0;
};

struct product_summary {
  id_t id = 0;
  std::string name;
  money base_price = 0;
  quantity stock = 0; ///< available units over all options
};

struct option_detail {
  id_t id = 0;
  std::string name;
  money extra_price = 0;
  quantity stock = 0;
};

struct product_detail {
  id_t id = 0;
  std::string name;
  money base_price = 0;
  std::vector<option_detail> options;
};

struct popular_product {
  id_t id = 0;
  std::string name;
  money base_price = 0;
  quantity total_sales = 0;
};

} // namespace actorshop::domain
