// k6's InfluxDB v1 line protocol for raw samples: one point per metric sample, the measurement
// named after the metric, the system tags of --system-tags (k6's default set unless given), and
// k6's tagsAsFields default "vu:int,iter:int,url": `url` is a string field and, when
// --system-tags enables them, vu and iter are integer fields (never tags: one series per VU
// would swamp InfluxDB's index).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/harness/metrics.hpp"
#include "bench/harness/system_tags.hpp"

namespace actorshop::bench {

/// Renders samples as lines. The root group's `group` tag is empty in k6 and InfluxDB drops
/// empty tag values, so no line has one (`"group" = ''` still matches them in InfluxQL).
class influx_lines {
public:
  /// `extra_tags` are --tag's, added to every point but the vus gauges.
  influx_lines(std::string base_url, std::string scenario, scenario_metrics names,
               const std::map<std::string, std::string>& extra_tags = {},
               system_tag_set system_tags = {});
  /// Appends the points of `s` to `out`; returns how many.
  std::size_t append(const raw_sample& s, std::string& out);
  /// Appends one point without tags (the vus and vus_max gauges, as k6 writes them).
  static void append_gauge(const char* metric, double value, std::int64_t ns, std::string& out);

private:
  const std::string& request_tags(endpoint ep, int status);
  std::size_t append_request(const raw_sample& s, std::string& out);
  std::size_t append_other(const raw_sample& s, std::string& out);

  std::string base_url_;
  system_tag_set enabled_;
  std::string ip_;           ///< the target's address, for the `ip` tag ("" for none)
  std::string scenario_tag_; ///< ",scenario=default" (when enabled) and the --tag's
  scenario_metrics names_;
  std::vector<std::string> check_tags_;     ///< ",check=NAME,scenario=default" by check
  std::map<int, std::string> request_tags_; ///< by endpoint and status
  std::string suffix_; ///< the fields after value and the timestamp, per sample
};

/// Escapes a tag value for line protocol (commas, spaces and '=' need a backslash).
std::string influx_tag_escape(const std::string& v);

} // namespace actorshop::bench
