// actor_bench: the actor system's throughput with FULL durability, in process (no HTTP):
//   sold-out  coupon issue decisions/s once the coupon is gone (the 409 path, no storage)
//   durable   coupon issuances/s on a coupon with enough copies (each one committed)
//   pairs     order + payment pairs/s with closed-loop clients, and the pairs' p50/p99 latency
// Each scenario runs --runs times on a fresh seeded database; the table shows median and spread.
#include <CLI/CLI.hpp>
#include <sqlite3.h>
#include <sys/resource.h>

#include <ctime>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/shop.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"

using namespace actorshop;
using clock_type = std::chrono::steady_clock;

namespace {

struct settings {
  int runs = 3;
  int threads = 2;
  std::string dir = "/var/tmp";
  long decisions = 2'000'000;
  long issuances = 200'000;
  int clients = 100;
  double seconds = 5.0;
  std::string sync = "full";
  std::string only; // empty: every scenario
};

storage::sync_mode parse_sync(const std::string& s) {
  if (s == "normal")
    return storage::sync_mode::normal;
  if (s == "full_pipelined")
    return storage::sync_mode::full_pipelined;
  return storage::sync_mode::full;
}

// A fresh seeded database with `extra` synthetic customers; removed on destruction.
struct bench_db {
  std::filesystem::path dir;
  std::string path;
  bench_db(const settings& s, std::int64_t extra) {
    std::string tmpl = s.dir + "/actor_bench_XXXXXX";
    dir = mkdtemp(tmpl.data());
    path = (dir / "bench.db").string();
    storage::connection db{path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE};
    storage::migrate(db);
    storage::seed(db, domain::now_ms() - 1000);
    if (extra > 0)
      storage::seed_customers(db, 1'000'000, extra);
  }
  ~bench_db() { std::filesystem::remove_all(dir); }
  actors::shop_options options(const settings& s) const {
    actors::shop_options o;
    o.db_path = path;
    o.actor_threads = s.threads;
    o.sync = parse_sync(s.sync);
    return o;
  }
};

// Keeps at most `window` commands in flight from one driver thread; waits for all answers.
class window_driver {
public:
  explicit window_driver(long window) : window_(window) {}
  template <class Start> double run(long n, Start start) {
    auto t0 = clock_type::now();
    for (long i = 0; i < n; ++i) {
      while (in_flight_.load(std::memory_order_acquire) >= window_)
        std::this_thread::yield();
      in_flight_.fetch_add(1, std::memory_order_relaxed);
      start(i, [this] { in_flight_.fetch_sub(1, std::memory_order_acq_rel); });
    }
    while (in_flight_.load(std::memory_order_acquire) > 0)
      std::this_thread::yield();
    return std::chrono::duration<double>(clock_type::now() - t0).count();
  }

private:
  long window_;
  std::atomic<long> in_flight_{0};
};

double sold_out_decisions(const settings& s) {
  bench_db db(s, 0);
  {
    storage::connection c{db.path, SQLITE_OPEN_READWRITE};
    c.exec("UPDATE coupon SET current_quantity = 0 WHERE id = 4001");
  }
  actors::shop shop{db.options(s)};
  std::atomic<long> wrong{0};
  window_driver d(10'000);
  double secs = d.run(s.decisions, [&](long i, auto done) {
    shop.issue_coupon(4001, 1001 + i % 2000, [&, done](auto r) {
      if (r || r.error() != domain::errc::coupon_insufficient)
        ++wrong;
      done();
    });
  });
  if (wrong)
    std::fprintf(stderr, "sold-out: %ld unexpected answers\n", wrong.load());
  return static_cast<double>(s.decisions) / secs;
}

double durable_issuances(const settings& s) {
  bench_db db(s, s.issuances);
  actors::shop shop{db.options(s)};
  domain::coupon_spec spec{
      "bench",     domain::discount_type::fixed, 100,
      100'000'000, domain::now_ms() - 1000,      domain::now_ms() + 86'400'000};
  std::mutex m;
  std::optional<domain::coupon> made;
  std::atomic<bool> ready{false};
  shop.create_coupon(spec, [&](auto r) {
    if (r)
      made = *r;
    ready = true;
  });
  while (!ready)
    std::this_thread::yield();
  if (!made)
    return 0;
  std::atomic<long> failed{0};
  window_driver d(10'000);
  double secs = d.run(s.issuances, [&](long i, auto done) {
    shop.issue_coupon(made->id, 1'000'000 + i, [&, done](auto r) {
      if (!r)
        ++failed;
      done();
    });
  });
  if (failed)
    std::fprintf(stderr, "durable: %ld failed\n", failed.load());
  return static_cast<double>(s.issuances - failed) / secs;
}

struct pair_result {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
};

// One closed-loop client: order, then pay it, then the next pair, until `stop`.
struct pair_client {
  actors::shop* shop = nullptr;
  domain::id_t customer = 0;
  std::mt19937 rng;
  std::atomic<bool>* stop = nullptr;
  std::vector<double> latencies_ms;
  long errors = 0;
  std::atomic<bool> finished{false};

  void next() {
    if (stop->load()) {
      finished = true;
      return;
    }
    auto t0 = clock_type::now();
    domain::id_t p1 = 5001 + static_cast<domain::id_t>(rng() % 20);
    domain::id_t p2 = 5001 + static_cast<domain::id_t>(rng() % 20);
    auto opt = [](domain::id_t prod, int k) { return 6001 + 3 * (prod - 5001) + k; };
    shop->create_order(customer, {{p1, opt(p1, 0), 1}, {p2, opt(p2, 1), 1}}, [this, t0](auto o) {
      if (!o) {
        ++errors;
        return next();
      }
      shop->pay(o->id, std::nullopt, [this, t0](auto pay) {
        if (!pay)
          ++errors;
        else
          latencies_ms.push_back(
              std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
        next();
      });
    });
  }
};

// The writer thread's CPU seconds so far, read by a unit running on it.
double writer_cpu_seconds(actors::shop& shop) {
  std::atomic<bool> done{false};
  double seconds = 0;
  shop.writer_for_tests().submit(
      "probe",
      [&seconds](storage::write_context&) {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        seconds = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
        return domain::status::ok();
      },
      [&done](domain::status) { done = true; });
  while (!done)
    std::this_thread::yield();
  return seconds;
}

// The process's user + system CPU seconds so far.
double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

pair_result order_payment_pairs(const settings& s) {
  bench_db db(s, 0);
  actors::shop shop{db.options(s)};
  const double writer_cpu0 = writer_cpu_seconds(shop);
  const double cpu0 = process_cpu_seconds();
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<pair_client>> clients;
  for (int i = 0; i < s.clients; ++i) {
    auto c = std::make_unique<pair_client>();
    c->shop = &shop;
    c->customer = 1001 + i;
    c->rng.seed(static_cast<unsigned>(i));
    c->stop = &stop;
    clients.push_back(std::move(c));
  }
  auto t0 = clock_type::now();
  for (auto& c : clients)
    c->next();
  std::this_thread::sleep_for(std::chrono::duration<double>(s.seconds));
  stop = true;
  for (auto& c : clients)
    while (!c->finished)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  const double cpu = process_cpu_seconds() - cpu0;
  const double writer_cpu = writer_cpu_seconds(shop) - writer_cpu0;
  auto st = shop.stats();
  std::fprintf(stderr, "pairs: %llu units in %llu batches (%.1f units/batch) in %.2f s\n",
               static_cast<unsigned long long>(st.writes_committed),
               static_cast<unsigned long long>(st.write_batches),
               static_cast<double>(st.writes_committed) / std::max<double>(1, st.write_batches),
               secs);
  std::vector<double> all;
  long errors = 0;
  for (auto& c : clients) {
    all.insert(all.end(), c->latencies_ms.begin(), c->latencies_ms.end());
    errors += c->errors;
  }
  if (errors)
    std::fprintf(stderr, "pairs: %ld errors\n", errors);
  const double n = std::max<double>(1, static_cast<double>(all.size()));
  std::fprintf(stderr, "pairs: %.1f us process CPU per pair, %.1f us writer CPU per unit\n",
               cpu / n * 1e6, writer_cpu / std::max<double>(1, st.writes_committed) * 1e6);
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) {
    return all.empty() ? 0 : all[static_cast<std::size_t>(q * (all.size() - 1))];
  };
  return {static_cast<double>(all.size()) / secs, pct(0.50), pct(0.99)};
}

struct stat_line {
  double median, min, max;
};
stat_line summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

void print(const char* name, const char* unit, std::vector<double> v, const char* target) {
  auto st = summarize(std::move(v));
  std::printf("| %-34s | %12.0f | %12.0f | %12.0f | %-7s | %-18s |\n", name, st.median, st.min,
              st.max, unit, target);
}
void print_ms(const char* name, std::vector<double> v, const char* target) {
  auto st = summarize(std::move(v));
  std::printf("| %-34s | %12.2f | %12.2f | %12.2f | %-7s | %-18s |\n", name, st.median, st.min,
              st.max, "ms", target);
}

} // namespace

int main(int argc, char** argv) {
  // Process-wide SQLite settings only take before the first SQLite call.
  actorshop::storage::configure_process();
  settings s;
  CLI::App app{"actor_bench: actor-level throughput with FULL durability"};
  app.add_option("--runs", s.runs, "runs per scenario (median and spread)")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", s.threads, "CAF scheduler threads")->check(CLI::PositiveNumber);
  app.add_option("--dir", s.dir, "directory for the temporary databases");
  app.add_option("--decisions", s.decisions, "sold-out issue requests per run");
  app.add_option("--issuances", s.issuances, "durable issuances per run");
  app.add_option("--clients", s.clients, "closed-loop order+payment clients");
  app.add_option("--seconds", s.seconds, "duration of the order+payment run");
  app.add_option("--sync", s.sync, "full (default), full_pipelined (as durable) or normal")
      ->check(CLI::IsMember({"full", "full_pipelined", "normal"}));
  app.add_option("--only", s.only, "run one scenario: sold-out, durable or pairs")
      ->check(CLI::IsMember({"sold-out", "durable", "pairs"}));
  CLI11_PARSE(app, argc, argv);

  auto wanted = [&](const char* name) { return s.only.empty() || s.only == name; };
  std::vector<double> sold_out, durable, pairs, p50, p99;
  for (int r = 0; r < s.runs; ++r) {
    if (wanted("sold-out"))
      sold_out.push_back(sold_out_decisions(s));
    if (wanted("durable"))
      durable.push_back(durable_issuances(s));
    if (wanted("pairs")) {
      auto p = order_payment_pairs(s);
      pairs.push_back(p.per_second);
      p50.push_back(p.p50_ms);
      p99.push_back(p.p99_ms);
    }
  }
  std::printf("actor_bench: %d runs, %d CAF threads, sync %s, db dir %s\n", s.runs, s.threads,
              s.sync.c_str(), s.dir.c_str());
  std::printf("| %-34s | %12s | %12s | %12s | %-7s | %-18s |\n", "scenario", "median", "min", "max",
              "unit", "target");
  std::printf("|%s|\n", std::string(116, '-').c_str());
  if (!sold_out.empty())
    print("coupon issue decisions (sold out)", "ops/s", sold_out, ">= 500,000/s");
  if (!durable.empty())
    print("durable coupon issuances", "ops/s", durable, ">= 50,000/s");
  if (!pairs.empty()) {
    print("order+payment pairs (closed loop)", "pairs/s", pairs, ">= 20,000/s");
    print_ms("order+payment pair latency p50", p50, "");
    print_ms("order+payment pair latency p99", p99, "<= 10 ms");
  }
  return 0;
}
