// The per-io-thread buffer of raw samples for the per-sample exports: the VU hot path appends
// to a chunk its thread alone owns (no lock, no allocation per sample); a full chunk, or one
// holding more than a second, is handed over to the collector under a lock taken, and a fresh
// chunk allocated, once per 4,096 samples.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "bench/harness/metrics.hpp"

namespace actorshop::bench {

class sample_buffer {
public:
  /// 4,096 samples (192 kB) per chunk: one hand-over per ~1,000 coupon-peak iterations.
  static constexpr std::size_t chunk_samples = 4096;

  explicit sample_buffer(std::uint32_t thread_index);
  /// Appends `s` stamped with the wall clock (io thread only).
  void add(raw_sample s);
  /// Moves the chunks handed over so far to `out`; `all`: also the one being filled (only once
  /// the io thread has ended).
  void take(std::vector<std::shared_ptr<const sample_chunk>>& out, bool all);

private:
  void hand_over();
  std::uint32_t thread_index_;
  std::int64_t last_us_ = 0;  ///< io thread only
  std::int64_t first_us_ = 0; ///< of the chunk being filled
  std::unique_ptr<sample_chunk> filling_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<const sample_chunk>> ready_;
};

} // namespace actorshop::bench
