#include "bench/harness/runner.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace actorshop::bench {

namespace asio = boost::asio;
using asio::awaitable;

namespace {
constexpr auto tick = std::chrono::milliseconds(2); ///< ramp resolution: 1,500 VUs in 3 s

awaitable<void> sleep_until(steady::time_point t) {
  asio::steady_timer timer(co_await asio::this_coro::executor, t);
  co_await timer.async_wait(asio::use_awaitable);
}
} // namespace

runner::runner(run_options options, client_factory factory)
    : options_(std::move(options)), factory_(std::move(factory)),
      scenario_(parse_scenario(options_.prof.scenario)) {
  clock_.prof = &options_.prof;
  shared_left_.store(options_.prof.shared_iterations);
  const auto names = metrics_of(scenario_);
  const int n = std::max(1, options_.io_threads);
  for (int i = 0; i < n; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    shards_.push_back(std::make_unique<shard>(std::max<std::size_t>(1, options_.prof.stages.size()),
                                              names.counters.size(), names.rates.size(),
                                              names.checks.size(), options_.keep_samples,
                                              static_cast<std::uint32_t>(i)));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
}

runner::~runner() {
  for (auto& c : contexts_)
    c->stop();
  join();
}

vu_state& runner::add_vu() {
  auto vu = std::make_unique<vu_state>();
  vu->id = static_cast<std::int64_t>(vus_.size()) + 1;
  vu->rng.seed(options_.seed * 1'000'003 + static_cast<std::uint64_t>(vu->id));
  const std::size_t c = vus_.size() % contexts_.size();
  vu->conn = factory_(contexts_[c]->get_executor());
  vu->rec = shards_[c].get();
  vus_.push_back(std::move(vu));
  pool_size_.store(static_cast<std::int64_t>(vus_.size()));
  return *vus_.back();
}

void runner::start() {
  clock_.start = steady::now();
  auto& ctl = *contexts_[0];
  if (options_.prof.vu_based())
    asio::co_spawn(ctl, ramping_vus(), asio::detached);
  else
    asio::co_spawn(ctl, arrival_rate(), asio::detached);
  // After the executor: its first step has started the initial VUs when the first sample runs.
  asio::co_spawn(ctl, sample_vus(), asio::detached);
  for (auto& c : contexts_)
    threads_.emplace_back([ctx = c.get()] { ctx->run(); });
}

void runner::join() {
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
}

void runner::finish() {
  stages_over_.store(true);
  if (sample_timer_) // same io thread as the sampler: the controller runs on contexts_[0]
    sample_timer_->cancel();
  done_.store(true);
  guards_.clear();
}

awaitable<void> runner::sample_vus() {
  const auto period =
      std::chrono::duration_cast<steady::duration>(std::max(options_.vus_period, seconds_d{1e-3}));
  const auto end =
      clock_.start + std::chrono::duration_cast<steady::duration>(options_.prof.total_duration());
  // k6 samples the gauge on a ticker from the start; after the stages only graceful stops
  // remain, which would only pull the minimum down to 0.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  sample_timer_ = &timer; // finish() cancels it, so the io thread need not wait out a period
  for (auto next = clock_.start; next < end && !stages_over_.load() && !aborted(); next += period) {
    const std::int64_t v = active_vus();
    {
      std::lock_guard lock(gauge_mutex_);
      gauge_.min = gauge_.count ? std::min(gauge_.min, v) : v;
      gauge_.max = gauge_.count ? std::max(gauge_.max, v) : v;
      gauge_.last = v;
      ++gauge_.count;
    }
    timer.expires_at(next + period);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  sample_timer_ = nullptr;
}

bool runner::take_iteration(const vu_state& vu) {
  const auto& p = options_.prof;
  if (p.iterations_per_vu > 0 && vu.iter >= p.iterations_per_vu)
    return false;
  return p.shared_iterations <= 0 || shared_left_.fetch_sub(1) > 0;
}

awaitable<void> runner::vu_loop(vu_state& vu) {
  while (!vu.stop.load(std::memory_order_relaxed) && take_iteration(vu))
    co_await run_iteration(scenario_, vu, clock_);
  vu.running.store(false);
  active_.fetch_sub(1);
}

void runner::cancel_vu(vu_state& vu) {
  const std::size_t c = static_cast<std::size_t>(vu.id - 1) % contexts_.size();
  asio::post(*contexts_[c], [conn = vu.conn.get()] { conn->cancel(); });
}

awaitable<void> runner::wait_all_stopped(double grace_s) {
  const auto deadline = steady::now() + std::chrono::duration_cast<steady::duration>(
                                            std::chrono::duration<double>(grace_s));
  while (active_.load() > 0 && steady::now() < deadline)
    co_await sleep_until(steady::now() + std::chrono::milliseconds(5));
  // Past gracefulStop k6 interrupts what is left; closing the connection ends the call.
  for (auto& vu : vus_)
    if (vu->running.load())
      cancel_vu(*vu);
  while (active_.load() > 0)
    co_await sleep_until(steady::now() + std::chrono::milliseconds(5));
}

awaitable<void> runner::ramping_vus() {
  const auto& p = options_.prof;
  const double total = p.total_duration().count();
  const auto grace = std::chrono::duration_cast<steady::duration>(p.graceful_ramp_down);
  const bool budgeted = p.shared_iterations > 0 || p.iterations_per_vu > 0;
  std::vector<vu_state*> planned; // activation order: ramp-down stops the newest first
  std::size_t reuse_from = 0;     // within a tick, VUs before this index are planned or running
  for (;;) {
    const auto now = steady::now();
    const double t = std::chrono::duration<double>(now - clock_.start).count();
    // A spent iteration budget ends the run early, as k6's iteration executors do.
    if (t >= total || aborted() || (budgeted && !planned.empty() && active_.load() == 0)) {
      stages_over_.store(true);
      break;
    }
    const auto target =
        static_cast<std::size_t>(std::max<std::int64_t>(0, planned_vus(p, seconds_d{t})));
    reuse_from = 0;
    while (planned.size() < target) {
      // Reuse an initialized VU that is neither planned nor still finishing, as k6 does.
      vu_state* vu = nullptr;
      for (; reuse_from < vus_.size() && !vu; ++reuse_from)
        if (!vus_[reuse_from]->running.load() && !vus_[reuse_from]->planned)
          vu = vus_[reuse_from].get();
      if (!vu)
        vu = &add_vu();
      vu->planned = true;
      vu->stop.store(false);
      vu->running.store(true);
      active_.fetch_add(1);
      planned.push_back(vu);
      const std::size_t c = static_cast<std::size_t>(vu->id - 1) % contexts_.size();
      asio::co_spawn(*contexts_[c], vu_loop(*vu), asio::detached);
    }
    while (planned.size() > target) {
      planned.back()->planned = false;
      planned.back()->stop.store(true);
      planned.back()->stop_requested = now;
      planned.pop_back();
    }
    // gracefulRampDown: a ramped-down VU still busy after it is interrupted.
    for (auto& v : vus_)
      if (v->running.load() && v->stop.load() && now - v->stop_requested > grace)
        cancel_vu(*v);
    co_await sleep_until(now + tick);
  }
  for (auto& v : vus_)
    v->stop.store(true);
  co_await wait_all_stopped(aborted() ? 0.0 : p.graceful_stop.count());
  finish();
}

awaitable<void> runner::one_iteration(vu_state& vu) {
  co_await run_iteration(scenario_, vu, clock_);
  vu.running.store(false);
  active_.fetch_sub(1);
  std::lock_guard lock(idle_mutex_);
  idle_.push_back(&vu);
}

awaitable<void> runner::arrival_rate() {
  const auto& p = options_.prof;
  for (std::int64_t i = 0; i < p.pre_allocated_vus; ++i)
    idle_.push_back(&add_vu());
  for (double n = 0;; n += 1) {
    const double due = iteration_due(p, n);
    if (due < 0 || aborted()) {
      stages_over_.store(true);
      break;
    }
    const auto at = clock_.start + std::chrono::duration_cast<steady::duration>(
                                       std::chrono::duration<double>(due));
    // Sleeps in short steps so that an abort is seen within 50 ms even at a low rate.
    while (at > steady::now() && !aborted())
      co_await sleep_until(std::min(at, steady::now() + std::chrono::milliseconds(50)));
    if (aborted())
      break;
    vu_state* vu = nullptr;
    {
      std::lock_guard lock(idle_mutex_);
      if (!idle_.empty()) {
        vu = idle_.back();
        idle_.pop_back();
      }
    }
    if (!vu) {
      // As k6: the iteration is dropped and, below maxVUs, one more VU joins the pool.
      dropped_.fetch_add(1);
      // The controller runs on contexts_[0], the io thread that owns shard 0's samples.
      shards_[0]->sample_dropped();
      if (static_cast<std::int64_t>(vus_.size()) < p.max_vus) {
        vu_state& fresh = add_vu();
        std::lock_guard lock(idle_mutex_);
        idle_.push_back(&fresh);
      }
      continue;
    }
    vu->scheduled = at;
    vu->running.store(true);
    active_.fetch_add(1);
    const std::size_t c = static_cast<std::size_t>(vu->id - 1) % contexts_.size();
    asio::co_spawn(*contexts_[c], one_iteration(*vu), asio::detached);
  }
  co_await wait_all_stopped(aborted() ? 0.0 : p.graceful_stop.count());
  finish();
}

} // namespace actorshop::bench
