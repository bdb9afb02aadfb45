#include "bench/harness/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace actorshop::bench {

namespace {
constexpr std::size_t bucket_total =
    histogram::sub_count + histogram::octaves * histogram::sub_half;
}

// Buckets are allocated on first use: most intervals of most stages hold no samples.
histogram::histogram() = default;

std::size_t histogram::index_of(std::uint64_t value) {
  if (value < sub_count)
    return static_cast<std::size_t>(value);
  // Octave k >= 1 holds [256 * 2^(k-1), 256 * 2^k) in 128 buckets of width 2^k.
  const int msb = 63 - std::countl_zero(value); // >= 8
  const int shift = msb - sub_bits;             // >= 1
  const std::size_t octave = static_cast<std::size_t>(shift);
  if (octave > static_cast<std::size_t>(octaves))
    return bucket_total - 1;
  const std::size_t sub = static_cast<std::size_t>((value >> shift) - sub_half);
  return sub_count + (octave - 1) * sub_half + sub;
}

std::uint64_t histogram::lowest_of(std::size_t index) {
  if (index < sub_count)
    return index;
  const std::size_t octave = (index - sub_count) / sub_half + 1;
  const std::size_t sub = (index - sub_count) % sub_half;
  return static_cast<std::uint64_t>(sub_half + sub) << octave;
}

std::uint64_t histogram::width_of(std::size_t index) {
  if (index < sub_count)
    return 1;
  return std::uint64_t{1} << ((index - sub_count) / sub_half + 1);
}

void histogram::record(std::uint64_t value, std::uint64_t count) {
  if (counts_.empty())
    counts_.assign(bucket_total, 0);
  counts_[index_of(value)] += count;
  count_ += count;
  sum_ += static_cast<double>(value) * static_cast<double>(count);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void histogram::merge(const histogram& other) {
  if (other.count_ == 0)
    return;
  if (counts_.empty())
    counts_.assign(bucket_total, 0);
  for (std::size_t i = 0; i < counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void histogram::reset() {
  counts_.clear();
  count_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

double histogram::value_at_rank(std::uint64_t rank) const {
  if (count_ == 0)
    return 0;
  if (rank == 0)
    return static_cast<double>(min_);
  if (rank >= count_ - 1)
    return static_cast<double>(max_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen > rank) {
      const double mid =
          static_cast<double>(lowest_of(i)) + (static_cast<double>(width_of(i)) - 1.0) / 2.0;
      return std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

double histogram::percentile(double pct) const {
  if (count_ == 0)
    return 0;
  const double i = pct * (static_cast<double>(count_) - 1.0);
  const double lo = value_at_rank(static_cast<std::uint64_t>(std::floor(i)));
  const double hi = value_at_rank(static_cast<std::uint64_t>(std::ceil(i)));
  return lo + (hi - lo) * (i - std::floor(i));
}

double k6_percentile(const std::vector<double>& sorted, double pct) {
  if (sorted.empty())
    return 0;
  if (sorted.size() == 1)
    return sorted[0];
  const double i = pct * (static_cast<double>(sorted.size()) - 1.0);
  const double j = sorted[static_cast<std::size_t>(std::floor(i))];
  const double k = sorted[static_cast<std::size_t>(std::ceil(i))];
  return j + (k - j) * (i - std::floor(i));
}

} // namespace actorshop::bench
