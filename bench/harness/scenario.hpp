// The two seed k6 scripts as C++ coroutines: one call of run_iteration is one k6 iteration of
// the VU, with the same custom counters, rates and checks as the scripts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "bench/harness/client.hpp"
#include "bench/harness/metrics.hpp"
#include "bench/harness/profile.hpp"

namespace actorshop::bench {

using steady = std::chrono::steady_clock;

enum class scenario_kind { coupon_peak, order_payment };

/// Returns the scenario named `name`; throws std::invalid_argument for an unknown one.
scenario_kind parse_scenario(const std::string& name);
/// Returns the custom counters, rates and checks the scenario's k6 script declares.
scenario_metrics metrics_of(scenario_kind s);

/// One k6 VU: its number (__VU, from 1), iteration counter (__ITER), connection and recorder.
struct vu_state {
  std::int64_t id = 1;
  std::int64_t iter = 0;
  std::mt19937_64 rng;
  std::unique_ptr<client> conn;
  shard* rec = nullptr;
  std::atomic<bool> stop{false};
  std::atomic<bool> running{false};
  steady::time_point stop_requested{};
  bool planned = false; ///< ramping-vus: counted in the current target (controller only)
  /// Arrival-rate executor: when this iteration was due; latency counts from here.
  std::optional<steady::time_point> scheduled;
};

struct run_clock {
  steady::time_point start;
  const profile* prof = nullptr;
  std::size_t stage_now() const;
};

/// Runs one iteration of `s` as VU `vu`, recording into vu.rec.
boost::asio::awaitable<void> run_iteration(scenario_kind s, vu_state& vu, const run_clock& clock);

/// Test hooks: the deterministic parts of the order-payment script.
std::int64_t order_payment_customer(std::int64_t vu, std::int64_t iter);
order_item option_s_of(std::int64_t product_id);
order_item option_m_of(std::int64_t product_id);

} // namespace actorshop::bench
