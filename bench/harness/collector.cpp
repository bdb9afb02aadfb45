#include "bench/harness/collector.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "bench/harness/summary.hpp"

namespace actorshop::bench {

namespace {

interval_data drain_all(runner& r, bool last) {
  interval_data sum;
  for (auto& s : r.shards()) {
    auto part = s->drain(last);
    sum.merge(part);
  }
  return sum;
}

second_point make_point(runner& r, const interval_data& d, double t) {
  second_point p;
  p.t = t;
  p.unix_time =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  p.vus = r.active_vus();
  p.vus_max = r.prof().planned_vus_max(); // k6 initializes the plan's VUs before it starts
  p.requests = d.requests;
  p.failed = d.failed;
  p.iterations = d.iterations;
  p.dropped = r.dropped_iterations();
  p.p50_ms = d.duration.percentile(0.5) / 1000;
  p.p95_ms = d.duration.percentile(0.95) / 1000;
  p.p99_ms = d.duration.percentile(0.99) / 1000;
  p.avg_ms = d.duration.mean() / 1000;
  p.statuses = d.statuses;
  for (std::size_t i = 0; i < p.by_endpoint.size(); ++i) {
    const auto& h = d.by_endpoint[i];
    p.by_endpoint[i] = {h.count(), h.percentile(0.5) / 1000, h.percentile(0.95) / 1000,
                        h.percentile(0.99) / 1000};
  }
  const histogram* phases[] = {&d.blocked, &d.connecting, &d.sending, &d.waiting, &d.receiving};
  for (std::size_t i = 0; i < phase_names.size(); ++i) {
    p.phase_mean_ms[i] = phases[i]->mean() / 1000;
    p.phase_p99_ms[i] = phases[i]->percentile(0.99) / 1000;
  }
  return p;
}

void print_progress(const run_totals& run, const second_point& p, double total) {
  std::fprintf(
      stderr,
      "\r\033[K  running [%6.1fs/%.1fs] VUs %5lld/%-5lld  %8.0f req/s  p95 %s  "
      "errors %llu",
      p.t, total, static_cast<long long>(p.vus), static_cast<long long>(p.vus_max),
      static_cast<double>(p.requests) /
          std::max(1e-9, p.t - (run.series.size() > 1 ? run.series[run.series.size() - 2].t : 0.0)),
      format_ms(run.all.duration.percentile(0.95) / 1000).c_str(),
      static_cast<unsigned long long>(run.all.failed));
  std::fflush(stderr);
}

/// Sleeps until the next one-second tick, or less when the run ends first.
void wait_tick(runner& r, steady::time_point& next) {
  next += std::chrono::seconds(1);
  while (!r.done() && steady::now() < next)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

/// Adds one second to the run: the sinks, the totals and the series.
void add_second(run_totals& run, second_point& p, interval_data& d,
                const collect_options& options) {
  if (options.probe)
    std::tie(p.server_rss_mb, p.server_cpu_pct) = options.probe();
  if (options.scrape)
    p.server = options.scrape();
  for (const auto& sink : options.sinks)
    sink(p, d);
  d.samples.clear();
  run.all.merge(d);
  run.series.push_back(p);
}

} // namespace

run_totals collect(runner& r, const collect_options& options) {
  run_totals run;
  run.names = metrics_of(r.scenario());
  run.all.stages.resize(std::max<std::size_t>(1, r.prof().stages.size()));
  run.all.custom.resize(run.names.counters.size(), run.names.rates.size(), run.names.checks.size());
  r.start();
  const auto start = r.started_at();
  auto next = start;
  const double total = r.prof().total_duration().count();
  for (bool finished = false; !finished;) {
    finished = r.done();
    if (!finished)
      wait_tick(r, next);
    else
      r.join(); // the io threads are done: the samples they were still filling can be taken
    auto d = drain_all(r, finished);
    const double t = std::chrono::duration<double>(steady::now() - start).count();
    auto p = make_point(r, d, t);
    p.dropped_new = p.dropped - (run.series.empty() ? 0 : run.series.back().dropped);
    add_second(run, p, d, options);
    if (options.progress)
      print_progress(run, p, total);
  }
  if (options.progress)
    std::fprintf(stderr, "\n");
  r.join();
  // The vus gauge is sampled by the runner on its own timer (k6's ticker), not at our ticks.
  const auto vus = r.vus_gauge();
  std::tie(run.vus_last, run.vus_min, run.vus_max_seen) = std::tuple(vus.last, vus.min, vus.max);
  run.vus_max = r.prof().planned_vus_max();
  run.dropped_iterations = r.dropped_iterations();
  run.elapsed_s = std::chrono::duration<double>(steady::now() - start).count();
  return run;
}

} // namespace actorshop::bench
