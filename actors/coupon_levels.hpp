// coupon_levels: each coupon's remaining quantity, mirrored by its actor after every change so
// /metrics reads it without a round trip to the actor (the actor's state stays the truth).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "domain/ids.hpp"

namespace actorshop::actors {

class coupon_levels {
public:
  /// Returns the slot of `coupon` (created at `initial`); stable while this object lives.
  std::atomic<std::int64_t>* slot(domain::id_t coupon, std::int64_t initial) {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = levels_.try_emplace(coupon, initial);
    if (!fresh)
      it->second.store(initial, std::memory_order_relaxed);
    return &it->second;
  }

  /// Returns (coupon id, remaining) for every coupon, by id.
  std::vector<std::pair<domain::id_t, std::int64_t>> snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<domain::id_t, std::int64_t>> out;
    out.reserve(levels_.size());
    for (const auto& [id, level] : levels_)
      out.emplace_back(id, level.load(std::memory_order_relaxed));
    return out;
  }

private:
  mutable std::mutex mutex_;
  std::map<domain::id_t, std::atomic<std::int64_t>> levels_; // map: nodes never move
};

} // namespace actorshop::actors
