// Entity ids: every id of the API (customer, product, option, coupon, order, payment) is a
// positive 64-bit integer; 0 means "none" where an id is optional on the wire.
#pragma once

#include <cstdint>

namespace actorshop::domain {

using id_t = std::int64_t;

} // namespace actorshop::domain
