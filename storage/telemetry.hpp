// telemetry: the lock-free cells the hot paths update (relaxed atomics, no allocation, no lock)
// and the process-wide switch `metrics.enabled`. Exposition (prometheus-cpp) is http's job: the
// cells only count, so storage and actors stay free of any metrics library.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace actorshop::storage::telemetry {

/// Whether the hot paths record anything (config `metrics.enabled`); read with one relaxed load.
inline std::atomic<bool>& enabled_flag() noexcept {
  static std::atomic<bool> on{true};
  return on;
}
inline bool enabled() noexcept { return enabled_flag().load(std::memory_order_relaxed); }
inline void set_enabled(bool on) noexcept { enabled_flag().store(on, std::memory_order_relaxed); }

/// Seconds elapsed since `start` on the steady clock.
inline double seconds_since(std::chrono::steady_clock::time_point start) noexcept {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Latency bounds in seconds, 100 us .. 10 s (the +Inf bucket is implicit).
inline constexpr std::initializer_list<double> latency_bounds{
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};

/// Read side of a histogram: cumulative counts per bound, then +Inf (the count).
struct histogram_snapshot {
  std::vector<double> bounds;
  std::vector<std::uint64_t> cumulative; ///< bounds.size() + 1 entries
  double sum = 0;
  std::uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
};

/// A fixed-bucket histogram. `Shards` copies of the counters, each on its own cache lines, are
/// picked per thread, so threads that observe the same histogram do not fight over one line.
template <std::size_t Shards = 1> class basic_histogram {
public:
  static constexpr std::size_t max_bounds = 24;

  explicit basic_histogram(std::initializer_list<double> bounds = latency_bounds) {
    size_ = std::min(bounds.size(), max_bounds);
    std::copy_n(bounds.begin(), size_, bounds_.begin());
  }
  basic_histogram(const basic_histogram&) = delete;
  basic_histogram& operator=(const basic_histogram&) = delete;

  void observe(double v) noexcept {
    std::size_t b = 0;
    while (b < size_ && v > bounds_[b])
      ++b;
    auto& s = shards_[shard_index()];
    s.bucket[b].fetch_add(1, std::memory_order_relaxed);
    s.sum.fetch_add(v, std::memory_order_relaxed);
  }

  histogram_snapshot read() const {
    histogram_snapshot out;
    out.bounds.assign(bounds_.begin(), bounds_.begin() + static_cast<std::ptrdiff_t>(size_));
    out.cumulative.assign(size_ + 1, 0);
    for (const auto& s : shards_) {
      std::uint64_t running = 0;
      for (std::size_t b = 0; b <= size_; ++b) {
        running += s.bucket[b].load(std::memory_order_relaxed);
        out.cumulative[b] += running;
      }
      out.sum += s.sum.load(std::memory_order_relaxed);
    }
    return out;
  }

private:
  struct alignas(64) shard {
    std::array<std::atomic<std::uint64_t>, max_bounds + 1> bucket{};
    std::atomic<double> sum{0};
  };
  static std::size_t shard_index() noexcept {
    if constexpr (Shards == 1) {
      return 0;
    } else {
      static std::atomic<std::size_t> next{0};
      thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % Shards;
      return mine;
    }
  }

  std::array<double, max_bounds> bounds_{};
  std::size_t size_ = 0;
  std::array<shard, Shards> shards_{};
};

using histogram = basic_histogram<1>;
using sharded_histogram = basic_histogram<4>;

} // namespace actorshop::storage::telemetry
