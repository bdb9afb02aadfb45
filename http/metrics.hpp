// metrics: request counters and latency histograms kept in lock-free atomics on the hot path and
// turned into Prometheus families only when /metrics is scraped (prometheus-cpp's
// TextSerializer writes the text format).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ostream> // boost/core/detail/string_view.hpp needs it before verb.hpp

#include <boost/beast/http/verb.hpp>
#include <prometheus/metric_family.h>

#include "actors/shop.hpp"
#include "http/route.hpp"

namespace actorshop::http {

class metrics {
public:
  metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// Counts one answered request and its duration. Thread-safe, lock-free.
  void record(route r, boost::beast::http::verb method, unsigned status,
              std::uint64_t micros) noexcept;

  /// Returns every family, with `stats` and `in_flight` sampled now (/metrics serializes them,
  /// /dashboard/data converts them to JSON).
  std::vector<prometheus::MetricFamily> collect(const actors::shop_stats& stats,
                                                std::int64_t in_flight);
  /// Returns the Prometheus text exposition of collect().
  std::string render(const actors::shop_stats& stats, std::int64_t in_flight);

private:
  static constexpr std::size_t routes = static_cast<std::size_t>(route::count_);
  static constexpr std::size_t methods = 4; // GET, POST, PATCH, other
  static constexpr std::size_t statuses = 16;
  static constexpr std::size_t buckets = 14; // the last is +Inf

  struct route_stats {
    std::array<std::array<std::atomic<std::uint64_t>, statuses>, methods> count{};
    std::array<std::atomic<std::uint64_t>, buckets> bucket{};
    std::atomic<std::uint64_t> sum_micros{0};
  };

  void add_request_families(std::vector<prometheus::MetricFamily>& families);

  std::array<route_stats, routes> stats_;
};

} // namespace actorshop::http
