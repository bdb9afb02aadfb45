// The table behind describe(): one row per errc, in enum order.
#include "domain/errors.hpp"

#include <array>

namespace actorshop::domain {
namespace {

using k = error_kind;

constexpr std::array<error_info, 29> table{{
    {"INTERNAL_ERROR", k::internal, "unknown error"},
    {"CUSTOMER_NOT_FOUND", k::not_found, "customer not found"},
    {"BALANCE_INVALID_AMOUNT", k::invalid_argument,
     "amount must be positive, within the per-charge maximum, and must not overflow the balance"},
    {"BALANCE_INSUFFICIENT", k::conflict, "balance is not enough to pay"},
    {"PRODUCT_NOT_FOUND", k::not_found, "product not found"},
    {"PRODUCT_OPTION_NOT_FOUND", k::not_found, "product option not found"},
    {"PRODUCT_OPTION_MISMATCH", k::conflict, "product option does not belong to the product"},
    {"INVALID_PERIOD", k::invalid_argument, "days must be between 1 and 30"},
    {"COUPON_NOT_FOUND", k::not_found, "coupon not found"},
    {"COUPON_ALREADY_ISSUED", k::conflict, "coupon already issued to this customer"},
    {"COUPON_INSUFFICIENT", k::conflict, "coupon sold out"},
    {"COUPON_INVALID_PERIOD", k::invalid_argument, "coupon is outside its issue period"},
    {"COUPON_INVALID", k::invalid_argument, "coupon definition is invalid"},
    {"CUSTOMER_COUPON_NOT_FOUND", k::not_found, "customer does not hold this coupon"},
    {"COUPON_ALREADY_USED", k::conflict, "coupon already used"},
    {"COUPON_EXPIRED", k::conflict, "coupon expired"},
    {"ORDER_ITEM_EMPTY", k::invalid_argument, "order has no items"},
    {"ORDER_INVALID_QUANTITY", k::invalid_argument, "quantity must be at least 1 and not overflow"},
    {"ORDER_NOT_FOUND", k::not_found, "order not found"},
    {"ORDER_NOT_PAYABLE", k::conflict, "order is not in a payable state"},
    {"STOCK_INSUFFICIENT", k::conflict, "not enough stock"},
    {"PAYMENT_DISCOUNT_EXCEEDS_TOTAL_PRICE", k::invalid_argument,
     "discount is larger than the order total"},
    {"INVALID_REQUEST", k::invalid_argument, "invalid request"},
    {"STORAGE_FAILURE", k::internal, "the write could not be made durable"},
    {"SERVICE_UNAVAILABLE", k::unavailable, "overloaded or shutting down, retry later"},
    {"REQUEST_TIMEOUT", k::timeout, "no answer in time"},
    // A full disk is an overload of storage, not a bug: the write was rolled back and a retry
    // succeeds once space is freed (503 with Retry-After, like a full writer queue).
    {"STORAGE_FULL", k::unavailable, "storage is full, retry later"},
    {"FORBIDDEN", k::forbidden, "the customer token does not act for this customer"},
    // Cluster mode: the owner of the entity's shard is down or cut off; another node cannot
    // answer for it (it holds no copy), so the client retries once the owner is back.
    {"SHARD_UNAVAILABLE", k::unavailable,
     "the node owning this entity is unreachable, retry later"},
}};

} // namespace

const error_info& describe(errc e) noexcept {
  auto i = static_cast<std::size_t>(e);
  return i < table.size() ? table[i] : table[0];
}

} // namespace actorshop::domain
