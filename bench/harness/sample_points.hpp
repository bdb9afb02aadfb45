// A second of samples as the points the streaming outputs write: k6's metric names, every
// sample (--out-samples) or one aggregate per metric. Shared by outputs.cpp and influx_output.cpp.
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
  const raw_sample* req = nullptr; ///< request tags come from here
  std::string extra;               ///< aggregate marker, e.g. "stat=p95"
};

using point_fn = std::function<void(const point&)>;
/// Expands a second into points: every sample, or aggregates, in k6's metric names.
void expand(const second_point& p, const interval_data& d, bool every, const point_fn& emit);

} // namespace actorshop::bench
