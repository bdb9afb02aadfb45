// What every actor of one shop shares: options, the clock, the writer, read-only reference data,
// the registries and the id counters. Owned by shop::impl; actors hold a plain pointer (the shop
// outlives its actor system).
#pragma once

#include <algorithm>
#include <atomic>
#include <memory>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/answer_once.hpp"
#include "actors/coupon_levels.hpp"
#include "actors/order_expiry.hpp"
#include "actors/registry.hpp"
#include "actors/shop_options.hpp"
#include "actors/step_transport.hpp"
#include "domain/catalog.hpp"
#include "domain/clock.hpp"
#include "storage/writer.hpp"

namespace actorshop::actors {

struct context {
  shop_options options;
  const domain::clock* clock = nullptr; ///< every "now" of the actors
  caf::actor_system* system = nullptr;
  storage::write_queue* writer = nullptr; ///< the storage::writer (or the simulation's)
  expiry_schedule* expiries = nullptr; ///< order deadlines; fires expire_atom at the order's saga
  step_transport* steps = nullptr;     ///< cluster mode: where saga steps go (set by the node)
  domain::catalog catalog;             ///< read-only after start
  std::vector<domain::id_t> customer_ids;              ///< sorted, read-only after start
  std::unordered_map<domain::id_t, caf::actor> stocks; ///< by option id, fixed after start
  registry coupons;
  coupon_levels coupon_remaining; ///< mirrored by the coupon actors, for /metrics
  registry customers;
  registry sagas;
  std::atomic<domain::id_t> next_order_id{0};
  std::atomic<domain::id_t> next_payment_id{0};
  std::atomic<domain::id_t> next_coupon_id{0};
  std::shared_ptr<inflight_counter> inflight = std::make_shared<inflight_counter>();
  std::atomic<bool> stopping{false}; ///< set at shutdown: no new customer actors from then on

  /// True in cluster mode (see shop_options::owns).
  bool clustered() const { return static_cast<bool>(options.owns); }
  /// Returns the current time of this shop's clock.
  domain::timestamp now() const { return clock->now(); }
  /// Returns whether `id` is a known customer.
  bool customer_exists(domain::id_t id) const {
    return std::binary_search(customer_ids.begin(), customer_ids.end(), id);
  }
  /// Returns the stock actor of an option, or nullptr.
  const caf::actor* stock_of(domain::id_t option_id) const {
    auto it = stocks.find(option_id);
    return it == stocks.end() ? nullptr : &it->second;
  }
};

} // namespace actorshop::actors
