// Money and quantities are 64-bit integers (KRW, units); every arithmetic step is overflow-checked.
#pragma once

#include <cstdint>
#include <optional>

// Transitional: storage/outbox.hpp and http/route_table.hpp still reach id_t through this header;
// their owners switch to domain/ids.hpp, then this include goes.
#include "domain/ids.hpp"

namespace actorshop::domain {

using money = std::int64_t;
using quantity = std::int64_t;

/// Returns a + b, or nothing if it overflows.
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// Returns a - b, or nothing if it overflows.
inline std::optional<std::int64_t> checked_sub(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// Returns a * b, or nothing if it overflows.
inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

} // namespace actorshop::domain
