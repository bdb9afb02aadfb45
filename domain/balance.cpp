#include "domain/balance.hpp"

namespace actorshop::domain {

result<money> charge(money balance, money amount, money max_per_charge) {
  if (amount <= 0 || amount > max_per_charge)
    return errc::balance_invalid_amount;
  auto after = checked_add(balance, amount);
  if (!after)
    return errc::balance_invalid_amount;
  return *after;
}

result<money> debit(money balance, money amount) {
  if (amount < 0)
    return errc::invalid_request;
  if (balance < amount)
    return errc::balance_insufficient;
  return balance - amount;
}

result<money> refund(money balance, money amount) {
  if (amount < 0)
    return errc::invalid_request;
  auto after = checked_add(balance, amount);
  if (!after)
    return errc::balance_invalid_amount;
  return *after;
}

} // namespace actorshop::domain
