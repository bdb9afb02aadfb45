// What a run measures: per-io-thread shards that VUs record into (each behind its own mutex,
// taken only by its thread and the once-a-second collector, so no global lock on the hot path),
// and the run totals, per-stage figures and per-second series the collector builds from them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench/harness/histogram.hpp"

namespace actorshop::bench {

/// The requests the two seed scenarios make (k6's `name` tag is the URL).
enum class endpoint : std::uint8_t { coupon_issue, orders, payments };
inline constexpr std::array<const char*, 3> endpoint_paths{"/coupons/issue", "/orders",
                                                           "/payments"};

/// What a raw sample is: a request (k6's http_* metrics), an iteration (iterations,
/// iteration_duration, data_sent, data_received), a check, a scenario outcome (the custom
/// counter of the status and the three rates), or an iteration the executor dropped (k6's
/// dropped_iterations: a 1 per dropped iteration, tagged with the scenario only).
enum class sample_kind : std::uint8_t { request, iteration, check, outcome, dropped };

/// One raw sample, kept only when every sample is exported (--out without --out-aggregate).
/// Kept small (56 bytes): a coupon-peak run appends four per iteration.
struct raw_sample {
  std::int64_t unix_ns = 0; ///< unique per io thread and series, see sample_buffer
  std::uint32_t vu = 0, iter = 0;
  sample_kind kind = sample_kind::request;
  endpoint ep = endpoint::coupon_issue;
  std::uint16_t status = 0; ///< request: HTTP status; check: its index; outcome: the counter's
  bool ok = false;          ///< check: passed
  /// request: duration, blocked, connecting, sending, waiting, receiving; iteration: duration
  std::array<float, 6> ms{};
  std::uint32_t sent = 0, received = 0; ///< request or iteration bytes
  double unix_time() const { return static_cast<double>(unix_ns) / 1e9; }
};
using sample_chunk = std::vector<raw_sample>;

/// k6's phases of one request in microseconds; http_req_duration = sending + waiting + receiving.
struct request_timing {
  double blocked = 0, connecting = 0, sending = 0, waiting = 0, receiving = 0;
  double duration() const { return sending + waiting + receiving; }
};

/// The VU and iteration a sample belongs to (k6's vu and iter system tags, off by default).
struct sample_owner {
  std::uint32_t vu = 0, iter = 0;
};

class sample_buffer;

struct stage_stats {
  histogram duration;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0; ///< http_req_failed (status not in 200..399)
};

/// Counters of a scenario's custom metrics (coupon_201_count ...) and checks, by index.
struct custom_counts {
  std::vector<std::uint64_t> counters;
  std::vector<std::uint64_t> rate_true, rate_total;
  std::vector<std::uint64_t> check_pass, check_fail;
  void resize(std::size_t counters_n, std::size_t rates_n, std::size_t checks_n);
  void merge(const custom_counts& o);
};

/// A 201 payment, for the audit (over HTTP, a token of its customer reads the order back).
struct paid_order {
  std::int64_t order_id = 0;
  std::int64_t customer_id = 0;
};

/// Everything recorded since the last drain.
struct interval_data {
  histogram duration;          ///< http_req_duration, microseconds
  histogram duration_expected; ///< http_req_duration{expected_response:true}
  histogram blocked, connecting, tls_handshaking, sending, waiting, receiving; ///< http_req_*
  histogram iteration;                                      ///< iteration_duration, microseconds
  std::array<histogram, endpoint_paths.size()> by_endpoint; ///< http_req_duration per endpoint
  std::uint64_t requests = 0, failed = 0, iterations = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0;
  std::map<int, std::uint64_t> statuses;
  std::vector<stage_stats> stages;
  custom_counts custom;
  std::vector<paid_order> paid_orders; ///< the orders of 201 payments (for the audit)
  std::vector<std::shared_ptr<const sample_chunk>> samples; ///< in order per io thread

  void merge(interval_data& o); ///< moves o's vectors in
};

/// One io thread's recorder.
class shard {
public:
  shard(std::size_t stages, std::size_t counters, std::size_t rates, std::size_t checks,
        bool keep_samples, std::uint32_t index = 0);
  ~shard();
  void record_request(endpoint ep, int status, const request_timing& t, std::size_t stage,
                      std::size_t sent, std::size_t received, sample_owner who = {});
  /// As above with the whole duration counted as waiting (a driver without phases).
  void record_request(endpoint ep, int status, std::uint64_t micros, std::size_t stage,
                      std::size_t sent, std::size_t received);
  void record_iteration(std::uint64_t micros, sample_owner who = {}, std::size_t sent = 0,
                        std::size_t received = 0);
  void add_counter(std::size_t i, std::uint64_t n = 1);
  void add_rate(std::size_t i, bool value);
  void add_check(std::size_t i, bool ok, sample_owner who = {});
  /// Exports the outcome sample of custom counter `i` (the counters and rates are added apart).
  void sample_outcome(std::size_t i, sample_owner who);
  void add_paid_order(paid_order paid);
  /// Exports one dropped_iterations sample (the executor counts them; io thread of this shard).
  void sample_dropped();
  /// Returns what was recorded since the last drain and starts a fresh interval. `last`: the io
  /// thread has ended, so the samples it was still filling are taken too.
  interval_data drain(bool last = false);

private:
  interval_data fresh() const;
  std::mutex mutex_;
  interval_data data_;
  std::size_t stages_, counters_, rates_, checks_;
  std::unique_ptr<sample_buffer> samples_; ///< null unless every sample is exported
};

/// http_req_duration percentiles of one endpoint in one second (0 when it had no requests).
struct latency_point {
  std::uint64_t requests = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;
};

/// k6's phases in one second: blocked, connecting, sending, waiting, receiving.
inline constexpr std::array<const char*, 5> phase_names{"blocked", "connecting", "sending",
                                                        "waiting", "receiving"};

/// One second of the run, for the progress line, the series outputs and the HTML report.
struct second_point {
  double t = 0;         ///< seconds since the start, end of the interval
  double unix_time = 0; ///< wall clock at the end of the interval
  std::int64_t vus = 0, vus_max = 0;
  std::uint64_t requests = 0, failed = 0, iterations = 0;
  std::uint64_t dropped = 0;     ///< dropped iterations since the start
  std::uint64_t dropped_new = 0; ///< of them, in this second
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, avg_ms = 0;
  std::map<int, std::uint64_t> statuses;
  double server_rss_mb = -1, server_cpu_pct = -1;
  std::array<latency_point, endpoint_paths.size()> by_endpoint;
  std::array<double, phase_names.size()> phase_mean_ms{}, phase_p99_ms{};
  /// The daemon's own figures scraped from its /metrics this second (empty when unreachable).
  std::map<std::string, double> server;
};

/// Names of a scenario's custom metrics and checks.
struct scenario_metrics {
  std::vector<std::string> counters; ///< "coupon_201_count", ...
  std::vector<std::string> rates;    ///< "coupon_201_rate", ...
  std::vector<std::string> checks;   ///< "is 201 or 409"
};

/// The whole run.
struct run_totals {
  interval_data all;
  std::int64_t vus_last = 0, vus_min = 0, vus_max_seen = 0, vus_max = 0;
  std::uint64_t dropped_iterations = 0;
  double elapsed_s = 0;
  std::vector<second_point> series;
  scenario_metrics names;
};

/// Returns microseconds as milliseconds.
inline double ms(double micros) { return micros / 1000.0; }

} // namespace actorshop::bench
