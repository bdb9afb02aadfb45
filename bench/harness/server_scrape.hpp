// The daemon's own view during a run: its /metrics read once a second (HTTP targets only) for the
// report's writer batch size, in-flight requests and live actors. Families the daemon does not
// expose are simply absent from the figures.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "bench/harness/http_client.hpp"

namespace actorshop::bench {

/// Parses the Prometheus text format into {"name{labels}": value} (comments skipped; labels kept
/// as written, e.g. `actorshop_live_actors{kind="coupon"}`).
std::map<std::string, double> parse_prometheus_text(std::string_view text);

/// Returns the body of GET `path` on `target`, or "" when it cannot be read within `timeout_ms`.
std::string http_get_body(const http_target& target, const std::string& path, int timeout_ms);

/// Reads /metrics and returns this second's figures, named as the report shows them:
/// "in flight", "batch size (mean)" (from the histogram's increase since the previous scrape)
/// and "live KIND" per actor kind.
class metrics_scraper {
public:
  explicit metrics_scraper(http_target target) : target_(std::move(target)) {}
  std::map<std::string, double> sample();
  /// Returns the figures of one scrape's text (what sample() does after the GET).
  std::map<std::string, double> figures_of(const std::map<std::string, double>& series);

private:
  http_target target_;
  double last_sum_ = -1, last_count_ = -1; ///< actorshop_writer_batch_size's, at the last scrape
};

} // namespace actorshop::bench
