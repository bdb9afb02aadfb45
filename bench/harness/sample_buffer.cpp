// See sample_buffer.hpp.
#include "bench/harness/sample_buffer.hpp"

#include <algorithm>
#include <chrono>

namespace actorshop::bench {

sample_buffer::sample_buffer(std::uint32_t thread_index)
    : thread_index_(thread_index), filling_(std::make_unique<sample_chunk>()) {
  filling_->reserve(chunk_samples);
}

// InfluxDB keeps one point per series and timestamp: two samples of one series with the same
// timestamp would collapse into one. Each thread's samples get strictly increasing microseconds
// (a thread records far fewer than one sample per microsecond, so this moves none in practice)
// and the thread's index in the nanoseconds, so no two samples of a run share a timestamp.
void sample_buffer::add(raw_sample s) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::int64_t us =
      std::max(std::chrono::duration_cast<std::chrono::microseconds>(now).count(), last_us_ + 1);
  last_us_ = us;
  s.unix_ns = us * 1000 + thread_index_ % 1000;
  if (filling_->empty())
    first_us_ = us;
  filling_->push_back(s);
  // A chunk older than a second goes too: a slow run still reaches the dashboard every second.
  if (filling_->size() == chunk_samples || us - first_us_ >= 1'000'000)
    hand_over();
}

void sample_buffer::hand_over() {
  std::shared_ptr<const sample_chunk> full = std::move(filling_);
  filling_ = std::make_unique<sample_chunk>();
  filling_->reserve(chunk_samples);
  std::lock_guard lock(mutex_);
  ready_.push_back(std::move(full));
}

void sample_buffer::take(std::vector<std::shared_ptr<const sample_chunk>>& out, bool all) {
  if (all && !filling_->empty())
    hand_over();
  std::lock_guard lock(mutex_);
  out.insert(out.end(), std::make_move_iterator(ready_.begin()),
             std::make_move_iterator(ready_.end()));
  ready_.clear();
}

} // namespace actorshop::bench
