// Prometheus exposition of request counters, latency histograms and shop_stats.
#include "http/metrics.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

namespace actorshop::http {
namespace {

using boost::beast::http::verb;

constexpr std::array<unsigned, 15> status_codes{200, 201, 400, 401, 403, 404, 405, 409,
                                                413, 415, 431, 500, 503, 504, 0};
constexpr std::array<std::string_view, 4> method_names{"GET", "POST", "PATCH", "OTHER"};
/// Bucket upper bounds in microseconds (the last bucket is +Inf).
constexpr std::array<std::uint64_t, 13> bounds_us{
    250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000};

std::size_t status_index(unsigned status) {
  for (std::size_t i = 0; i + 1 < status_codes.size(); ++i)
    if (status_codes[i] == status)
      return i;
  return status_codes.size() - 1;
}

std::size_t method_index(verb m) {
  switch (m) {
  case verb::get:
    return 0;
  case verb::post:
    return 1;
  case verb::patch:
    return 2;
  default:
    return 3;
  }
}

prometheus::ClientMetric::Label label(std::string name, std::string_view value) {
  return {std::move(name), std::string(value)};
}

} // namespace

metrics::metrics() = default;

void metrics::record(route r, verb method, unsigned status, std::uint64_t micros) noexcept {
  auto& s = stats_[static_cast<std::size_t>(r) % routes];
  s.count[method_index(method)][status_index(status)].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < bounds_us.size() && micros > bounds_us[b])
    ++b;
  s.bucket[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_micros.fetch_add(micros, std::memory_order_relaxed);
}

void metrics::add_request_families(std::vector<prometheus::MetricFamily>& families) {
  prometheus::MetricFamily total{
      "http_requests_total", "HTTP requests answered", prometheus::MetricType::Counter, {}};
  prometheus::MetricFamily duration{"http_request_duration_seconds",
                                    "Time from a parsed request to its reply",
                                    prometheus::MetricType::Histogram,
                                    {}};
  for (std::size_t r = 0; r < routes; ++r) {
    auto name = route_label(static_cast<route>(r));
    auto& s = stats_[r];
    std::uint64_t observed = 0;
    for (std::size_t m = 0; m < methods; ++m)
      for (std::size_t st = 0; st < status_codes.size(); ++st) {
        auto n = s.count[m][st].load(std::memory_order_relaxed);
        if (n == 0)
          continue;
        observed += n;
        prometheus::ClientMetric cm;
        auto code = status_codes[st] ? std::to_string(status_codes[st]) : std::string("other");
        cm.label = {label("method", method_names[m]), label("route", name), label("status", code)};
        cm.counter.value = static_cast<double>(n);
        total.metric.push_back(std::move(cm));
      }
    if (observed == 0)
      continue;
    prometheus::ClientMetric h;
    h.label = {label("route", name)};
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
      cumulative += s.bucket[b].load(std::memory_order_relaxed);
      double le =
          b < bounds_us.size() ? bounds_us[b] / 1e6 : std::numeric_limits<double>::infinity();
      h.histogram.bucket.push_back({cumulative, le});
    }
    h.histogram.sample_count = cumulative;
    h.histogram.sample_sum = s.sum_micros.load(std::memory_order_relaxed) / 1e6;
    duration.metric.push_back(std::move(h));
  }
  if (!total.metric.empty()) {
    families.push_back(std::move(total));
    families.push_back(std::move(duration));
  }
}

std::vector<prometheus::MetricFamily> metrics::collect(const actors::shop_stats& st,
                                                       std::int64_t in_flight) {
  using type = prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  // Monotonic totals are counters (with _total, as Prometheus names them); levels are gauges.
  auto add = [&](const char* name, const char* help, type t, double value) {
    prometheus::ClientMetric m;
    (t == type::Counter ? m.counter.value : m.gauge.value) = value;
    families.push_back({name, help, t, {std::move(m)}});
  };
  add("http_requests_in_flight", "Requests waiting for the actor system", type::Gauge,
      double(in_flight));
  add("shop_writes_committed_total", "Units of work committed by the storage writer", type::Counter,
      double(st.writes_committed));
  add("shop_writes_failed_total", "Units of work the storage writer rolled back", type::Counter,
      double(st.writes_failed));
  add("shop_write_batches_total", "Transactions committed by the storage writer", type::Counter,
      double(st.write_batches));
  add("shop_write_queue_depth", "Units waiting for the storage writer", type::Gauge,
      double(st.write_queue_depth));
  add("shop_live_customer_actors", "Customer actors currently active", type::Gauge,
      double(st.live_customer_actors));
  add("shop_live_order_sagas", "Order sagas currently active", type::Gauge,
      double(st.live_order_sagas));
  add("shop_events_pending", "Outbox events not yet delivered", type::Gauge,
      double(st.events_pending));
  add("shop_events_delivered_total", "Outbox events delivered to the sink", type::Counter,
      double(st.events_delivered));
  add_request_families(families);
  return families;
}

std::string metrics::render(const actors::shop_stats& stats, std::int64_t in_flight) {
  return prometheus::TextSerializer().Serialize(collect(stats, in_flight));
}

} // namespace actorshop::http
