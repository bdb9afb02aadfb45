// Streaming outputs fed once a second: k6's CSV and JSON-lines formats (every sample or 1 s
// aggregates, `checks` samples with their check tag, --tag tags, k6's Metric lines) and
// InfluxDB v1 line protocol POSTed to /write with k6's measurements and tags.
#pragma once

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/harness/collector.hpp"
#include "bench/harness/http_client.hpp"
#include "bench/harness/system_tags.hpp"

namespace actorshop::bench {

struct output_context {
  std::string base_url; ///< "http://127.0.0.1:8080" or "actors://shop", for url/name tags
  std::string scenario = "default";
  bool every_sample = true; ///< false: one aggregate per metric and second (--out-aggregate)
  std::map<std::string, std::string> tags; ///< --tag: added to every sample
  system_tag_set system_tags;              ///< --system-tags: the built-in tags samples carry
  scenario_metrics names;                  ///< the custom counters, rates and checks
  std::map<std::string, std::vector<std::string>> thresholds; ///< metric -> expressions
  /// Counts the writes an output could not deliver (InfluxDB): a run with any exits non-zero.
  std::shared_ptr<std::atomic<std::uint64_t>> failed_writes =
      std::make_shared<std::atomic<std::uint64_t>>(0);
};

/// Opens `spec` ("csv=FILE", "json=FILE", "influxdb=http://HOST:8086/DB") as a second_sink.
/// Throws std::invalid_argument for an unknown kind or an unwritable file.
second_sink make_output(const std::string& spec, const output_context& ctx);

/// The k6 CSV header line with k6's default system tags.
inline constexpr const char* k6_csv_header =
    "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,"
    "name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata";
/// The CSV header for `tags`: as k6, one column per enabled series tag, sorted by name.
std::string csv_header(const system_tag_set& tags);

/// Formats unix seconds as RFC 3339 with microseconds ("2026-11-27T00:35:12.123456Z").
std::string rfc3339(double unix_time);

} // namespace actorshop::bench
