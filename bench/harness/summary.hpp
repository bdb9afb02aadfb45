// The end of a run: every metric as k6 sees it (trend, counter, rate, gauge), the threshold
// verdicts, the k6-style text summary with the per-stage table and status-code histogram, the
// `k6 run --summary-export` JSON and the `handleSummary(data)` JSON that k6 reporters read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/k6_json.hpp"
#include "bench/harness/metrics.hpp"
#include "bench/harness/profile.hpp"
#include "bench/harness/threshold.hpp"

namespace actorshop::bench {

/// How the summaries show trends: k6's --summary-trend-stats and --summary-time-unit.
struct summary_options {
  std::vector<std::string> trend_stats{"avg", "min", "med", "max", "p(90)", "p(95)"};
  std::string time_unit; ///< "", "s", "ms" or "us"; "" picks a unit per value (k6's default)
  bool no_color = false;
  json env = json::object();  ///< -e K=V, echoed in handleSummary's options
  json tags = json::object(); ///< --tag K=V, likewise
};

/// Parses k6's --summary-trend-stats list ("avg,min,med,max,p(90),p(95),p(99),count");
/// throws std::invalid_argument on an unknown stat.
std::vector<std::string> parse_trend_stats(const std::string& list);
/// Returns the lowercase hex md5 of `text`: k6's group and check ids are md5 of their path.
std::string md5_hex(const std::string& text);

enum class metric_type { trend, counter, rate, gauge };

/// One metric of the run with the aggregates k6 reports for its type.
struct metric_view {
  std::string name;
  metric_type type = metric_type::counter;
  bool is_time = false;                ///< trend in milliseconds (formatted as durations)
  bool is_data = false;                ///< counter in bytes
  const histogram* hist = nullptr;     ///< trend: values in microseconds when is_time
  double count = 0, rate = 0;          ///< counter: total and per second
  std::uint64_t passes = 0, fails = 0; ///< rate: non-zero and zero samples
  double value = 0, min = 0, max = 0;  ///< gauge (value = last)
};

struct threshold_result {
  threshold t;
  double observed = 0;
  bool ok = false;
};

/// Returns every metric of the run, sorted by name as k6 prints them. k6 adds the
/// http_req_duration{expected_response:true} submetric only while the expected_response system
/// tag is on (without the tag no sample could match it): `expected_response` says whether it is.
std::vector<metric_view> collect_metrics(const run_totals& run, bool expected_response = true);
/// Returns the threshold's aggregate of `m` (milliseconds for time trends), if it has one.
std::optional<double> aggregate_of(const metric_view& m, const threshold& t);
/// Evaluates each threshold; a threshold on a metric the run does not have fails.
std::vector<threshold_result> evaluate(const std::vector<metric_view>& metrics,
                                       const std::vector<threshold>& thresholds);

/// Returns the k6 end-of-test text summary plus the per-stage table and status histogram.
std::string text_summary(const run_totals& run, const profile& prof,
                         const std::vector<metric_view>& metrics,
                         const std::vector<threshold_result>& verdicts,
                         const summary_options& opts = {});
/// Returns the JSON `k6 run --summary-export` writes.
std::string summary_export_json(const run_totals& run, const std::vector<metric_view>& metrics,
                                const std::vector<threshold_result>& verdicts,
                                const summary_options& opts = {});
/// Returns the `data` k6 hands to handleSummary(): metrics.NAME.{type, contains, values,
/// thresholds}, root_group with groups/checks arrays, options and state.
std::string summary_data_json(const run_totals& run, const std::vector<metric_view>& metrics,
                              const std::vector<threshold_result>& verdicts,
                              const summary_options& opts);
/// The checks of the run's root group as k6 lists them ({name, path, id, passes, fails}).
json check_entries(const run_totals& run);
/// Returns trend stat `stat` ("avg", "p(99)", "count"...) of `m`; milliseconds for time trends.
json trend_stat(const metric_view& m, const std::string& stat);

/// Formats milliseconds the way k6 does ("1.2ms", "750µs", "1.44s", "1m2s"); a fixed `unit`
/// ("s", "ms", "us") prints every value in that unit, as --summary-time-unit asks.
std::string format_ms(double ms, const std::string& unit = "");
/// Formats a byte count the way k6 does ("2.4 MB", "18 kB").
std::string format_bytes(double bytes);

} // namespace actorshop::bench
