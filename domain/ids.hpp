// Entity ids: every id of the API (customer, product, option, coupon, order, payment) is a
// positive 64-bit integer; 0 means "none" where an id is optional on the wire. One rule for ids
// wherever they come from (a path segment or a JSON body): 1..9223372036854775807.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>

namespace actorshop::domain {

using id_t = std::int64_t;

inline constexpr id_t max_id = std::numeric_limits<id_t>::max();

/// Returns whether `v` can be an id (1..max_id); whether it exists is another question (404).
constexpr bool is_id(std::int64_t v) noexcept { return v >= 1; }

/// Returns the id written in decimal digits in `s`, or 0 if it is not an id: empty, a sign or any
/// other non-digit, 0, or above max_id.
inline id_t parse_id(std::string_view s) noexcept {
  if (s.empty() || s.front() < '0' || s.front() > '9')
    return 0; // from_chars would take a '-'
  id_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !is_id(v))
    return 0;
  return v;
}

} // namespace actorshop::domain
