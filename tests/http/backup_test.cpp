// `actorshop backup` end to end: a copy taken while clients order and pay holds every write
// acknowledged before it began, opens in a daemon of its own and passes `actorshop check`.
// The hidden [.measure] case prints the daemon's order+payment latency with and without a backup.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "domain/time.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop;
using namespace actorshop::test;
using clock_type = std::chrono::steady_clock;

namespace {

/// A 201 the daemon sent: an order created, or (payment) that order paid.
struct ack {
  bool payment = false;
  std::int64_t order_id = 0;
  clock_type::time_point at;
};

/// An order+payment round trip: from sending the order to receiving the payment's 201.
struct pair_time {
  clock_type::time_point start, end;
};

/// Clients that order one unit and pay for it, in a loop, until stopped; every 201 is recorded
/// with the moment it arrived.
class order_payment_load {
public:
  order_payment_load(unsigned short port, int threads) {
    for (int k = 0; k < threads; ++k)
      threads_.emplace_back([this, port, k] { run(port, k); });
  }
  ~order_payment_load() { stop(); }

  /// Returns once `n` payments have been acknowledged.
  void wait_for_payments(std::size_t n) {
    std::unique_lock lock(mutex_);
    progress_.wait(lock, [&] { return pairs_.size() >= n || failed_; });
  }
  /// Returns the payments acknowledged so far.
  std::size_t paid() {
    std::lock_guard lock(mutex_);
    return pairs_.size();
  }
  void stop() {
    stopping_ = true;
    for (auto& t : threads_)
      if (t.joinable())
        t.join();
  }
  std::vector<ack> acks() const { return acks_; }         ///< after stop()
  std::vector<pair_time> pairs() const { return pairs_; } ///< after stop()
  bool failed() const { return failed_; }

private:
  void run(unsigned short port, int k) {
    client c(port);
    for (std::int64_t i = 0; !stopping_; ++i) {
      const auto customer = 1001 + (k * 500 + i) % 2000;
      const auto option = 6001 + (k * 7 + i) % 60;
      const auto product = 5001 + (option - 6001) / 3;
      const auto start = clock_type::now();
      auto order = c.post("/orders", R"({"customerId":)" + std::to_string(customer) +
                                         R"(,"items":[{"productId":)" + std::to_string(product) +
                                         R"(,"productOptionId":)" + std::to_string(option) +
                                         R"(,"quantity":1}]})");
      if (!record(order.status, false, order.body))
        return;
      const auto id = json_int_field(order.body, "orderId");
      auto pay = c.post("/payments", R"({"orderId":)" + std::to_string(id) + "}");
      if (!record(pay.status, true, order.body))
        return;
      std::lock_guard lock(mutex_);
      pairs_.push_back({start, clock_type::now()});
      progress_.notify_all();
    }
  }
  bool record(unsigned status, bool payment, const std::string& order_body) {
    const auto at = clock_type::now();
    std::lock_guard lock(mutex_);
    if (status != 201) {
      failed_ = true;
      progress_.notify_all();
      return false;
    }
    acks_.push_back({payment, json_int_field(order_body, "orderId"), at});
    return true;
  }

  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable progress_;
  std::vector<ack> acks_;
  std::vector<pair_time> pairs_;
  bool failed_ = false;
};

} // namespace

TEST_CASE("a backup taken under load holds every write acknowledged before it began",
          "[backup][e2e]") {
  temp_dir dir;
  const auto db = dir.file("shop.db"), copy = dir.file("copy.db");
  daemon_process d(seeded_args(dir.path, db));
  order_payment_load load(d.port(), 3);
  load.wait_for_payments(300);
  const auto began = clock_type::now();
  auto backup = run_actorshop({"backup", "--db", db, "--to", copy, "--pages-per-step", "16"});
  load.wait_for_payments(load.paid() + 50); // the daemon kept serving after the copy
  load.stop();
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  CHECK(backup.out.find("integrity_check ok") != std::string::npos);
  REQUIRE_FALSE(load.failed());
  CHECK(d.terminate() == 0);
  CHECK_FALSE(std::filesystem::exists(copy + "-wal")); // a standalone file

  daemon_process on_copy({"--config", dir.file("test.toml"), "--db", copy});
  client c(on_copy.port());
  std::size_t before = 0, missing = 0;
  for (const auto& a : load.acks()) {
    if (a.at >= began)
      continue;
    ++before;
    auto r = c.get("/orders/" + std::to_string(a.order_id));
    missing +=
        r.status == 200 && (!a.payment || r.body.find("\"PAID\"") != std::string::npos) ? 0 : 1;
  }
  CHECK(before >= 600);
  CHECK(missing == 0);
  CHECK(on_copy.terminate() == 0);
  auto check = run_actorshop({"check", "--db", copy});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
}

TEST_CASE("a backup never overwrites an existing file", "[backup][e2e]") {
  temp_dir dir;
  const auto db = dir.file("shop.db");
  {
    storage::connection c(db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    storage::migrate(c);
  }
  auto r = run_actorshop({"backup", "--db", db, "--to", db});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("never overwrites") != std::string::npos);
}

namespace {

std::string percentiles(std::vector<double> ms) {
  if (ms.empty())
    return "no samples";
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<std::size_t>(q * (ms.size() - 1))]; };
  char text[128];
  std::snprintf(text, sizeof text, "n=%zu p50 %.2f ms p99 %.2f ms max %.2f ms", ms.size(), at(0.5),
                at(0.99), ms.back());
  return text;
}

/// Returns the round trips of the pairs that started and ended inside [from, to].
std::vector<double> within(const std::vector<pair_time>& pairs, clock_type::time_point from,
                           clock_type::time_point to) {
  std::vector<double> ms;
  for (const auto& p : pairs)
    if (p.start >= from && p.end <= to)
      ms.push_back(std::chrono::duration<double, std::milli>(p.end - p.start).count());
  return ms;
}

} // namespace

// Not a test of a figure (none is asserted): run by name to print the latencies for README.
// ACTORSHOP_MEASURE_CUSTOMERS sets the extra customers that make the database large,
// ACTORSHOP_MEASURE_SYNC the daemon's --sync (the tests' NORMAL otherwise).
TEST_CASE("measure: order+payment latency while a backup of a large database runs", "[.measure]") {
  temp_dir dir;
  const auto db = dir.file("shop.db"), copy = dir.file("copy.db");
  const char* env = std::getenv("ACTORSHOP_MEASURE_CUSTOMERS");
  const std::int64_t extra = env != nullptr ? std::stoll(env) : 2'000'000;
  {
    storage::connection c(db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    storage::migrate(c);
    storage::seed(c, domain::now_ms());
    storage::seed_customers(c, 1'000'000, extra);
  }
  auto args = seeded_args(dir.path, db);
  if (const char* sync = std::getenv("ACTORSHOP_MEASURE_SYNC"))
    args.insert(args.end(), {"--sync", sync});
  daemon_process d(args);
  order_payment_load load(d.port(), 4);
  load.wait_for_payments(2'000);
  const auto quiet_from = clock_type::now();
  load.wait_for_payments(load.paid() + 6'000);
  const auto quiet_to = clock_type::now();
  auto backup = run_actorshop({"backup", "--db", db, "--to", copy});
  const auto backup_to = clock_type::now();
  load.stop();
  REQUIRE(backup.exit_code == 0);
  CHECK(d.terminate() == 0);
  std::printf("database: %lld bytes (%lld extra customers)\n%s%s",
              static_cast<long long>(std::filesystem::file_size(copy)),
              static_cast<long long>(extra), backup.err.c_str(), backup.out.c_str());
  std::printf("without backup: %s (%.1f s)\n",
              percentiles(within(load.pairs(), quiet_from, quiet_to)).c_str(),
              std::chrono::duration<double>(quiet_to - quiet_from).count());
  std::printf("during backup:  %s (%.1f s)\n",
              percentiles(within(load.pairs(), quiet_to, backup_to)).c_str(),
              std::chrono::duration<double>(backup_to - quiet_to).count());
}
