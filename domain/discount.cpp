#include "domain/discount.hpp"

namespace actorshop::domain {

result<discounted_price> apply_discount(money total, discount_type type, money amount) {
  if (total < 0 || amount < 0)
    return errc::invalid_request;
  money discount = amount;
  if (type == discount_type::rate) {
    // floor(total * rate / 100) without overflow: split total into hundreds and the rest.
    discount = (total / 100) * amount + (total % 100) * amount / 100;
  }
  if (discount > total)
    return errc::payment_discount_exceeds_total_price;
  return discounted_price{total, discount, total - discount};
}

} // namespace actorshop::domain
