// A log-linear latency histogram in the HdrHistogram layout: 128 linear sub-buckets per power of
// two, so every recorded value is known to within 1/128 (< 1%) of itself, in bounded memory.
#pragma once

#include <cstdint>
#include <vector>

namespace actorshop::bench {

/// Records non-negative integer values (microseconds here); exact count, sum, min and max.
class histogram {
public:
  static constexpr int sub_bits = 7;             ///< 128 sub-buckets per half-octave range
  static constexpr int sub_half = 1 << sub_bits; ///< 128
  static constexpr int sub_count = 2 * sub_half; ///< 256 values resolved exactly
  static constexpr int octaves = 34;             ///< up to 2^41 us (~25 days)

  histogram();
  void record(std::uint64_t value, std::uint64_t count = 1);
  void merge(const histogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  /// The count of each bucket; bucket i holds [lowest_of(i), lowest_of(i) + width_of(i)).
  const std::vector<std::uint64_t>& counts() const { return counts_; }

  /// Returns the representative value (bucket midpoint, clamped to min/max) of the sample at
  /// 0-based rank `rank` in sorted order.
  double value_at_rank(std::uint64_t rank) const;
  /// Returns the k6 percentile: linear interpolation between the samples at floor/ceil of
  /// pct * (count - 1), as k6's TrendSink.P does. `pct` is in [0, 1].
  double percentile(double pct) const;

  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t lowest_of(std::size_t index);
  static std::uint64_t width_of(std::size_t index);

private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

/// Returns the exact k6 percentile of already sorted `values` (the reference for tests).
double k6_percentile(const std::vector<double>& sorted, double pct);

} // namespace actorshop::bench
