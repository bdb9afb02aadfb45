// Domain error codes: one enum value per failure a client can see, each with the stable
// machine code of the API (spec §3), a protocol-neutral kind and a default message.
#pragma once

#include <cstdint>
#include <string_view>

namespace actorshop::domain {

/// Every failure the service reports. Values start at 1 (0 means "no error", see `status`).
enum class errc : std::uint8_t {
  customer_not_found = 1,
  balance_invalid_amount,
  balance_insufficient,
  product_not_found,
  product_option_not_found,
  product_option_mismatch,
  invalid_period,
  coupon_not_found,
  coupon_already_issued,
  coupon_insufficient,
  coupon_invalid_period,
  coupon_invalid,
  customer_coupon_not_found,
  coupon_already_used,
  coupon_expired,
  order_item_empty,
  order_invalid_quantity,
  order_not_found,
  order_not_payable,
  stock_insufficient,
  payment_discount_exceeds_total_price,
  invalid_request,
  storage_failure,
  unavailable,
  timeout,
  storage_full,      ///< values are never renumbered: a new one goes last
  forbidden,         ///< a customer token acting for another customer (auth.mode = "token")
  shard_unavailable, ///< cluster mode: the node owning the entity is not reachable
};

/// What kind of failure it is; the HTTP layer maps a kind to a status code in one place.
enum class error_kind : std::uint8_t {
  invalid_argument, ///< the request itself is wrong (400)
  not_found,        ///< a referenced entity does not exist (404)
  conflict,         ///< the request is valid but the state forbids it (409)
  forbidden,        ///< the caller may not act for this customer (403)
  unavailable,      ///< overload or shutdown; retry later (503)
  timeout,          ///< no answer in time (504)
  internal,         ///< storage or invariant failure (500)
};

struct error_info {
  std::string_view code; ///< stable machine code, e.g. "COUPON_INSUFFICIENT"
  error_kind kind;
  std::string_view message; ///< default human-readable message
};

/// Returns the code, kind and default message of `e`.
const error_info& describe(errc e) noexcept;

/// Returns the stable machine code of `e`.
inline std::string_view code_of(errc e) noexcept { return describe(e).code; }

} // namespace actorshop::domain
