// A second of samples as the points the CSV and JSON outputs write: k6's metric names, every
// sample (the default) or one aggregate per metric (--out-aggregate). Shared by outputs.cpp and
// the aggregate mode of influx_output.cpp (its per-sample mode renders raw samples itself).
#pragma once

#include <functional>
#include <string>

#include "bench/harness/collector.hpp"

namespace actorshop::bench {

/// One point to write: a metric value with k6's request tags (empty for non-request metrics).
struct point {
  const char* metric;
  double value;
  double time;
  const raw_sample* req = nullptr;    ///< request tags come from here
  std::string extra;                  ///< aggregate marker, e.g. "stat=p95"
  const std::string* check = nullptr; ///< the check's name, for `checks`
  const raw_sample* src = nullptr;    ///< the sample (vu, iter); null for gauges and aggregates
};

using point_fn = std::function<void(const point&)>;
/// Expands a second into points: every sample, or aggregates, in k6's metric names (custom
/// counters, rates and checks named by `names`).
void expand(const second_point& p, const interval_data& d, bool every,
            const scenario_metrics& names, const point_fn& emit);

/// The http_* trends of a request sample with their index in raw_sample::ms, as k6 names them.
inline constexpr std::array<const char*, 6> request_trends{
    "http_req_duration", "http_req_blocked", "http_req_connecting",
    "http_req_sending",  "http_req_waiting", "http_req_receiving"};

} // namespace actorshop::bench
