// Discounts applied at payment: FIXED takes discount_amount off, RATE takes
// floor(total * rate / 100); a discount above the total is refused, equal to it pays 0.
#pragma once

#include "domain/model.hpp"
#include "domain/result.hpp"

namespace actorshop::domain {

struct discounted_price {
  money original = 0;
  money discount = 0;
  money final_price = 0; ///< original - discount, never negative
};

/// Applies a coupon's discount to `total`. Errors: PAYMENT_DISCOUNT_EXCEEDS_TOTAL_PRICE.
result<discounted_price> apply_discount(money total, discount_type type, money amount);

/// Returns the price unchanged (a payment without a coupon).
inline discounted_price no_discount(money total) { return {total, 0, total}; }

} // namespace actorshop::domain
