// actor_bench's coupon measurements: 409 decisions on a sold-out coupon and durable issuances.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sqlite3.h>
#include <thread>

#include "bench/actors/scenarios.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::bench {

namespace {

using clock_type = std::chrono::steady_clock;

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

} // namespace

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

} // namespace actorshop::bench
