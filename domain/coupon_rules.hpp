// First-come coupon rules: who may be issued a coupon, who may use it, what a valid coupon is.
#pragma once

#include <optional>

#include "domain/model.hpp"
#include "domain/result.hpp"

namespace actorshop::domain {

/// Decides one issuance, checked in this order: issue window (started_at <= now <= expired_at),
/// one coupon per customer, remaining quantity. Returns the coupon's remaining quantity after it.
result<quantity> decide_issue(const coupon& c, bool already_issued, timestamp now);

/// Decides whether a customer's coupon can pay an order now: it must be held (`held` is the
/// wallet entry's status, nothing if the customer does not hold it), AVAILABLE, not expired.
status decide_use(std::optional<coupon_status> held, timestamp expired_at, timestamp now);

/// Validates an admin's coupon definition: non-empty name, discount >= 0 (RATE 1..100),
/// quantity >= 1, started_at < expired_at.
status validate(const coupon_spec& spec);

} // namespace actorshop::domain
