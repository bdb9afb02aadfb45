// actor_bench's order + payment pairs: closed-loop clients, their latency, and CPU per pair.
#include <sys/resource.h>

#include <ctime>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "bench/actors/scenarios.hpp"

namespace actorshop::bench {

namespace {

using clock_type = std::chrono::steady_clock;

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

using client_list = std::vector<std::unique_ptr<pair_client>>;

client_list make_clients(const settings& s, actors::shop& shop, std::atomic<bool>& stop) {
  client_list clients;
  for (int i = 0; i < s.clients; ++i) {
    auto c = std::make_unique<pair_client>();
    c->shop = &shop;
    c->customer = 1001 + i;
    c->rng.seed(static_cast<unsigned>(i));
    c->stop = &stop;
    clients.push_back(std::move(c));
  }
  return clients;
}

/// Returns every client's pair latencies, sorted; prints the error count if any.
std::vector<double> sorted_latencies(const client_list& clients) {
  std::vector<double> all;
  long errors = 0;
  for (auto& c : clients) {
    all.insert(all.end(), c->latencies_ms.begin(), c->latencies_ms.end());
    errors += c->errors;
  }
  if (errors)
    std::fprintf(stderr, "pairs: %ld errors\n", errors);
  std::sort(all.begin(), all.end());
  return all;
}

} // namespace

pair_result order_payment_pairs(const settings& s) {
  bench_db db(s, 0);
  actors::shop shop{db.options(s)};
  const double writer_cpu0 = writer_cpu_seconds(shop);
  const double cpu0 = process_cpu_seconds();
  std::atomic<bool> stop{false};
  client_list clients = make_clients(s, shop, stop);
  auto t0 = clock_type::now();
  for (auto& c : clients)
    c->next();
  // The run lasts a fixed time by design: throughput is pairs completed within it.
  std::this_thread::sleep_for(std::chrono::duration<double>(s.seconds));
  stop = true;
  for (auto& c : clients)
    while (!c->finished)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  const double cpu = process_cpu_seconds() - cpu0;
  const double writer_cpu = writer_cpu_seconds(shop) - writer_cpu0;
  auto st = shop.stats();
  const double units = static_cast<double>(st.writes_committed);
  std::fprintf(stderr, "pairs: %llu units in %llu batches (%.1f units/batch) in %.2f s\n",
               static_cast<unsigned long long>(st.writes_committed),
               static_cast<unsigned long long>(st.write_batches),
               units / std::max<double>(1, st.write_batches), secs);
  const std::vector<double> all = sorted_latencies(clients);
  const double n = std::max<double>(1, static_cast<double>(all.size()));
  std::fprintf(stderr, "pairs: %.1f us process CPU per pair, %.1f us writer CPU per unit\n",
               cpu / n * 1e6, writer_cpu / std::max<double>(1, units) * 1e6);
  auto pct = [&](double q) {
    return all.empty() ? 0 : all[static_cast<std::size_t>(q * (all.size() - 1))];
  };
  return {static_cast<double>(all.size()) / secs, pct(0.50), pct(0.99)};
}

} // namespace actorshop::bench
