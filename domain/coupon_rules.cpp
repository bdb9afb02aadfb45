#include "domain/coupon_rules.hpp"

namespace actorshop::domain {

result<quantity> decide_issue(const coupon& c, bool already_issued, timestamp now) {
  if (now < c.started_at || now > c.expired_at)
    return errc::coupon_invalid_period;
  if (already_issued)
    return errc::coupon_already_issued;
  if (c.current_quantity <= 0)
    return errc::coupon_insufficient;
  return c.current_quantity - 1;
}

status decide_use(std::optional<coupon_status> held, timestamp expired_at, timestamp now) {
  if (!held)
    return errc::customer_coupon_not_found;
  if (*held == coupon_status::used)
    return errc::coupon_already_used;
  if (*held == coupon_status::expired || now > expired_at)
    return errc::coupon_expired;
  return {};
}

status validate(const coupon_spec& spec) {
  if (spec.name.empty() || spec.total_quantity < 1 || spec.discount_amount < 0 ||
      spec.started_at >= spec.expired_at)
    return errc::coupon_invalid;
  if (spec.type == discount_type::rate && (spec.discount_amount < 1 || spec.discount_amount > 100))
    return errc::coupon_invalid;
  return {};
}

} // namespace actorshop::domain
