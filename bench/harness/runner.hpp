// The k6 executors: ramping-vus (VUs looping the scenario, ramped one at a time, ramp-down
// letting in-flight iterations finish within gracefulRampDown) and ramping-arrival-rate
// (iterations started on schedule from a bounded VU pool, late ones counted as dropped).
// constant-vus, shared-iterations and per-vu-iterations (k6's -u/-d/-i) run as a flat
// ramping-vus stage with an iteration budget. VUs are spread over a few single-threaded
// io_contexts, one recording shard per context.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/harness/client.hpp"
#include "bench/harness/metrics.hpp"
#include "bench/harness/profile.hpp"
#include "bench/harness/scenario.hpp"

namespace actorshop::bench {

struct run_options {
  profile prof;
  int io_threads = 1;
  bool keep_samples = false;
  std::uint64_t seed = 0;
  /// Set (by a signal handler) to stop the run at once: VUs are interrupted, no graceful stop.
  const std::atomic<bool>* abort = nullptr;
  /// How often the vus gauge is sampled: k6's 1 s, times --time-scale so that a scaled run
  /// gets as many samples as the real one.
  seconds_d vus_period{1};
};

/// The vus gauge over its samples.
struct vus_samples {
  std::int64_t last = 0, min = 0, max = 0;
  std::size_t count = 0;
};

class runner {
public:
  runner(run_options options, client_factory factory);
  ~runner();
  /// Starts the io threads and the executor; returns at once.
  void start();
  /// Returns true once every VU has finished (or was stopped after the graceful periods).
  bool done() const { return done_.load(); }
  /// Waits for the io threads to end.
  void join();

  std::vector<std::unique_ptr<shard>>& shards() { return shards_; }
  /// The vus gauge as k6 reports it: VUs running the ramp (ramping-vus) or the whole
  /// initialized pool (ramping-arrival-rate, whose VUs are all activated at the start).
  std::int64_t active_vus() const {
    return options_.prof.vu_based() ? active_.load() : pool_size_.load();
  }
  std::int64_t vus_max() const { return pool_size_.load(); }
  /// Returns the vus gauge as sampled on its own timer while the stages ran.
  vus_samples vus_gauge() const {
    std::lock_guard lock(gauge_mutex_);
    return gauge_;
  }
  std::uint64_t dropped_iterations() const { return dropped_.load(); }
  steady::time_point started_at() const { return clock_.start; }
  const profile& prof() const { return options_.prof; }
  scenario_kind scenario() const { return scenario_; }

private:
  vu_state& add_vu();
  boost::asio::awaitable<void> ramping_vus();
  boost::asio::awaitable<void> arrival_rate();
  boost::asio::awaitable<void> vu_loop(vu_state& vu);
  boost::asio::awaitable<void> one_iteration(vu_state& vu);
  boost::asio::awaitable<void> wait_all_stopped(double grace_s);
  void cancel_vu(vu_state& vu); ///< closes its connection, on its own io thread
  void finish();
  boost::asio::awaitable<void> sample_vus();
  bool aborted() const { return options_.abort && options_.abort->load(); }
  /// Takes one iteration of the shortcuts' budget for `vu`; false when none is left.
  bool take_iteration(const vu_state& vu);

  run_options options_;
  client_factory factory_;
  scenario_kind scenario_;
  run_clock clock_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::unique_ptr<shard>> shards_;
  std::vector<std::unique_ptr<vu_state>> vus_; ///< touched by the controller only
  std::vector<std::thread> threads_;
  std::mutex idle_mutex_;
  std::vector<vu_state*> idle_; ///< arrival-rate: VUs free for the next iteration
  std::atomic<std::int64_t> active_{0};
  std::atomic<std::int64_t> pool_size_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::int64_t> shared_left_{0}; ///< shared-iterations: iterations not yet taken
  std::atomic<bool> done_{false};
  std::atomic<bool> stages_over_{false}; ///< the controller left the stages (end, budget, abort)
  mutable std::mutex gauge_mutex_;
  vus_samples gauge_;
  boost::asio::steady_timer* sample_timer_ = nullptr; ///< the sampler's, while it runs
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
};

} // namespace actorshop::bench
