// Drives a run from the main thread: once a second it drains the shards into the run totals,
// appends a point to the series, feeds the streaming outputs and prints the progress line.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/harness/metrics.hpp"
#include "bench/harness/runner.hpp"

namespace actorshop::bench {

/// Called once a second with the new point and what was recorded in that second.
using second_sink = std::function<void(const second_point&, const interval_data&)>;
/// Returns the target server's RSS (MB) and CPU (%) for the last second, or -1s.
using server_probe = std::function<std::pair<double, double>()>;

/// Returns the daemon's own figures for the last second (its /metrics), or nothing.
using server_scrape = std::function<std::map<std::string, double>()>;

struct collect_options {
  bool progress = false; ///< print the live line (only on a terminal)
  std::vector<second_sink> sinks;
  server_probe probe;
  server_scrape scrape;
};

/// Starts `r`, collects until it is done and returns the totals of the whole run.
run_totals collect(runner& r, const collect_options& options);

} // namespace actorshop::bench
