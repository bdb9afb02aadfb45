// Balance rules: a charge is > 0, at most the configured maximum per charge, and must not overflow;
// a debit never makes the balance negative.
#pragma once

#include "domain/money.hpp"
#include "domain/result.hpp"

namespace actorshop::domain {

/// Returns the balance after charging `amount`. Errors: BALANCE_INVALID_AMOUNT.
result<money> charge(money balance, money amount, money max_per_charge);

/// Returns the balance after debiting `amount` (>= 0). Errors: BALANCE_INSUFFICIENT,
/// INVALID_REQUEST for a negative amount.
result<money> debit(money balance, money amount);

/// Returns the balance after refunding `amount` (>= 0). Errors: BALANCE_INVALID_AMOUNT on overflow.
result<money> refund(money balance, money amount);

} // namespace actorshop::domain
