// k6 threshold expressions ("p(95)<500", "rate>=0.99", "count!=0"): parsing with clear errors
// and evaluation against a metric's aggregated values.
#pragma once

#include <string>

namespace actorshop::bench {

enum class compare_op { lt, le, gt, ge, eq, ne };

struct threshold {
  std::string metric;     ///< "http_req_duration"
  std::string expression; ///< the source text, "p(95)<500"
  std::string aggregate;  ///< "p(95)", "avg", "min", "max", "med", "rate", "count", "value"
  double percentile = 0;  ///< 0.95 for p(95)
  compare_op op = compare_op::lt;
  double value = 0;
};

/// Parses one k6 threshold expression for `metric`; throws std::invalid_argument naming the
/// problem ("unknown aggregation method 'p95'", "missing operator", ...).
threshold parse_threshold(const std::string& metric, const std::string& expression);
/// Parses the CLI form "metric:expression"; the metric may be a submetric
/// "metric{tag:value}" (k6's selector), whose colon is not the separator.
threshold parse_threshold_flag(const std::string& flag);

/// Returns true when `observed` (the threshold's aggregate of its metric) satisfies it.
bool passes(const threshold& t, double observed);
std::string to_string(compare_op op);

} // namespace actorshop::bench
