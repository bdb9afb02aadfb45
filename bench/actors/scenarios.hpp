// actor_bench's three measurements, each on a fresh database (see actor_bench.cpp's header).
#pragma once

#include "bench/actors/bench_db.hpp"

namespace actorshop::bench {

/// Returns coupon issue decisions/s once coupon 4001 is sold out (409s from memory).
double sold_out_decisions(const settings& s);
/// Returns committed coupon issuances/s on a coupon with enough copies.
double durable_issuances(const settings& s);

struct pair_result {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
};
/// Runs closed-loop order + payment clients for `s.seconds`; returns pairs/s and latency.
pair_result order_payment_pairs(const settings& s);

} // namespace actorshop::bench
