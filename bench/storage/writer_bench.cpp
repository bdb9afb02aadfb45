// writer_bench: group-commit throughput of storage::writer for the two hot units of the service
// (coupon issue, order+payment) x closed-loop producers x synchronous mode. Each run uses a fresh
// temp database; each row reports the median units/s over --runs runs and the min..max spread.
//
// Producers are closed-loop clients: each keeps exactly one unit outstanding (submit, wait for its
// done, submit the next). As in the service, where producers are actors on a small scheduler, they
// are logical: --producer-threads OS threads (default 2) submit for whichever producers are ready.
// --os-threads gives every producer its own OS thread instead.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "bench_units.hpp"
#include "storage/schema.hpp"
#include "storage/writer.hpp"

using namespace actorshop;
using namespace actorshop::storage;
using clock_type = std::chrono::steady_clock;

namespace {

struct config {
  unit_kind kind;
  int producers;
  sync_mode sync;
};

struct settings {
  double seconds = 2;
  int runs = 5;
  int producer_threads = 2;
  bool os_threads = false;
  bool json = false;
  int linger_us = 0;
  std::vector<std::string> units{"coupon-issue", "order+payment"};
  std::vector<int> producers{1, 16, 256};
  std::vector<std::string> syncs{"FULL", "NORMAL", "FULL-PIPE"};
};

/// Counts successful completions while the measurement window is open.
struct tally {
  std::atomic<bool> open{true};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> failed{0};
  void count(domain::status s) {
    if (open.load(std::memory_order_relaxed))
      (s ? ok : failed).fetch_add(1, std::memory_order_relaxed);
  }
};

/// Producers waiting for their turn to submit; done callbacks put their producer back.
struct ready_queue {
  std::mutex m;
  std::condition_variable cv;
  std::vector<int> ready;
  std::atomic<bool> stop{false};
  tally* t = nullptr;

  void put_back(int p, domain::status s) {
    t->count(s);
    if (stop.load(std::memory_order_relaxed))
      return;
    bool wake;
    {
      std::lock_guard lock(m);
      wake = ready.empty();
      ready.push_back(p);
    }
    if (wake)
      cv.notify_one();
  }
};

/// Logical producers: a done callback marks its producer ready; submitter threads pick up every
/// ready producer at once and submit its next unit. (The callback captures two words, so the
/// std::function holds it without allocating, as a CAF response promise would.)
void run_logical(writer& w, unit_factory& units, int producers, int threads, tally& t,
                 clock_type::time_point until) {
  ready_queue q;
  q.t = &t;
  for (int p = 0; p < producers; ++p)
    q.ready.push_back(p);
  auto submitter = [&] {
    std::vector<int> mine;
    while (!q.stop.load()) {
      {
        std::unique_lock lock(q.m);
        q.cv.wait_for(lock, std::chrono::milliseconds(10), [&] { return !q.ready.empty(); });
        mine.swap(q.ready);
      }
      for (int p : mine)
        w.submit(units.label(), units.next(),
                 [rq = &q, p](domain::status s) { rq->put_back(p, s); });
      mine.clear();
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back(submitter);
  std::this_thread::sleep_until(until);
  t.open = false;
  q.stop = true;
  q.cv.notify_all();
  for (auto& th : pool)
    th.join();
  w.flush(); // in-flight callbacks use this frame's locals
}

/// One OS thread per producer, each blocking on its own semaphore until its unit is done.
void run_os_threads(writer& w, unit_factory& units, int producers, tally& t,
                    clock_type::time_point until) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  for (int p = 0; p < producers; ++p)
    pool.emplace_back([&] {
      std::binary_semaphore done{0};
      while (!stop.load()) {
        w.submit(units.label(), units.next(), [&](domain::status s) {
          t.count(s);
          done.release();
        });
        done.acquire();
      }
    });
  std::this_thread::sleep_until(until);
  t.open = false;
  stop = true;
  for (auto& th : pool)
    th.join();
}

/// Returns the writer thread's CPU time, read by a unit running on it.
double writer_cpu_seconds(writer& w) {
  double seconds = 0;
  w.submit(
      "probe",
      [&seconds](write_context&) {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        seconds = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
        return domain::status::ok();
      },
      [](domain::status) {});
  w.flush();
  return seconds;
}

struct run_result {
  double cpu_us_per_unit = 0; ///< writer thread CPU per unit: the cost without the noise
  double units_per_s = 0;
  double units_per_batch = 0;
  std::uint64_t failed = 0;
};

run_result run_once(const config& c, const settings& s) {
  std::string dir = (std::filesystem::temp_directory_path() / "writer-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  run_result r;
  {
    std::string path = dir + "/bench.db";
    prepare_database(path);
    writer w({.path = path, .sync = c.sync, .linger_us = s.linger_us});
    unit_factory units(c.kind);
    tally t;
    auto start = clock_type::now();
    auto until = start + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>(s.seconds));
    auto before = w.stats();
    double cpu_before = writer_cpu_seconds(w);
    if (s.os_threads)
      run_os_threads(w, units, c.producers, t, until);
    else
      run_logical(w, units, c.producers, s.producer_threads, t, until);
    w.flush();
    double cpu = writer_cpu_seconds(w) - cpu_before;
    auto after = w.stats();
    r.cpu_us_per_unit =
        cpu * 1e6 / static_cast<double>(after.units_committed - before.units_committed - 1);
    r.units_per_s = static_cast<double>(t.ok.load()) / s.seconds; // the tally closes at `until`
    auto batches = after.batches - before.batches;
    r.units_per_batch = batches ? static_cast<double>(after.units_committed) / batches : 0;
    r.failed = t.failed.load();
  }
  std::filesystem::remove_all(dir);
  return r;
}

std::string_view sync_name(sync_mode m) {
  switch (m) {
  case sync_mode::full:
    return "FULL";
  case sync_mode::normal:
    return "NORMAL";
  case sync_mode::full_pipelined:
    return "FULL-PIPE";
  }
  return "?";
}

/// Runs one row (a unit kind, a producer count, a sync mode) `runs` times and prints its median
/// and spread.
void run_row(const settings& s, unit_kind kind, int producers, sync_mode sync) {
  config c{kind, producers, sync};
  std::vector<run_result> results;
  for (int i = 0; i < s.runs; ++i)
    results.push_back(run_once(c, s));
  std::sort(results.begin(), results.end(),
            [](auto& a, auto& b) { return a.units_per_s < b.units_per_s; });
  const auto& median = results[results.size() / 2];
  std::uint64_t failed = 0;
  for (auto& r : results)
    failed += r.failed;
  if (s.json)
    std::printf("{\"unit\":\"%s\",\"producers\":%d,\"sync\":\"%s\",\"median\":%.0f,"
                "\"min\":%.0f,\"max\":%.0f,\"units_per_tx\":%.1f,\"writer_cpu_us\":%.1f,"
                "\"runs\":%d,\"failed\":%llu}\n",
                std::string(kind_name(kind)).c_str(), producers,
                std::string(sync_name(sync)).c_str(), median.units_per_s,
                results.front().units_per_s, results.back().units_per_s, median.units_per_batch,
                median.cpu_us_per_unit, s.runs, static_cast<unsigned long long>(failed));
  else
    std::printf("%-14s %9d %9s %12.0f %12.0f..%-12.0f %10.1f %12.1fus\n",
                std::string(kind_name(kind)).c_str(), producers,
                std::string(sync_name(sync)).c_str(), median.units_per_s,
                results.front().units_per_s, results.back().units_per_s, median.units_per_batch,
                median.cpu_us_per_unit);
  std::fflush(stdout);
}

void add_flags(CLI::App& app, settings& s) {
  app.add_option("--seconds", s.seconds, "duration of one run")->check(CLI::PositiveNumber);
  app.add_option("--runs", s.runs, "runs per row (median and min..max reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--producer-threads", s.producer_threads, "OS threads submitting for producers")
      ->check(CLI::PositiveNumber);
  app.add_option("--linger-us", s.linger_us, "writer_options::linger_us");
  app.add_flag("--os-threads", s.os_threads, "one OS thread per producer instead");
  app.add_flag("--json", s.json, "print JSON lines instead of a table");
  app.add_option("--units", s.units, "unit kinds to run")
      ->check(CLI::IsMember({"coupon-issue", "order+payment"}));
  app.add_option("--producers", s.producers, "producer counts to run")->check(CLI::PositiveNumber);
  app.add_option("--sync", s.syncs, "synchronous modes to run")
      ->check(CLI::IsMember({"FULL", "NORMAL", "FULL-PIPE"}));
}

} // namespace

int main(int argc, char** argv) {
  settings s;
  CLI::App app{"storage::writer group-commit throughput"};
  add_flags(app, s);
  CLI11_PARSE(app, argc, argv);
  if (!configure_process())
    std::fprintf(stderr, "writer_bench: SQLite was initialised too early to configure\n");
  spdlog::set_level(spdlog::level::err);

  if (!s.json)
    std::printf("%-14s %9s %9s %12s %25s %10s %14s\n", "unit", "producers", "sync", "median/s",
                "spread (min..max)", "units/tx", "writer cpu/unit");
  for (const auto& unit : s.units)
    for (int producers : s.producers)
      for (const auto& sync_text : s.syncs) {
        unit_kind kind =
            unit == "coupon-issue" ? unit_kind::coupon_issue : unit_kind::order_payment;
        sync_mode sync = sync_text == "FULL"     ? sync_mode::full
                         : sync_text == "NORMAL" ? sync_mode::normal
                                                 : sync_mode::full_pipelined;
        run_row(s, kind, producers, sync);
      }
}
