// The simulated world of one seed: a database, one incarnation of the actor core at a time (a
// crash replaces it), the client model that sends commands and remembers what was acknowledged,
// and the seeded choices. Internal to the simulation (simulation.hpp is its interface).
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "actors/context.hpp"
#include "domain/clock.hpp"
#include "sim_writer.hpp"
#include "simulation.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::sim {

/// The dataset every seed starts from: small, so that stock runs out, balances fall short and
/// coupons are contended.
namespace data {
inline constexpr domain::timestamp start = 1'767'225'600'000; // 2026-01-01T00:00:00Z
inline constexpr domain::id_t first_customer = 101;
inline constexpr int customers = 4;
inline constexpr domain::money initial_balance = 50'000;
inline constexpr domain::quantity initial_stock = 30;
inline constexpr std::array<domain::id_t, 3> options{11, 12, 21}; // product 1: 11, 12; 2: 21
inline constexpr std::array<domain::id_t, 2> coupons{901, 902};
inline constexpr std::chrono::milliseconds order_ttl{30'000};
} // namespace data

/// Opens (creating and migrating if needed) the database at `path` and resets it to the dataset.
storage::connection open_dataset(const std::string& path);

/// The order expiry schedule of the simulation: deadlines fire when the simulation moves time.
class sim_expiries final : public actors::expiry_schedule {
public:
  void schedule(domain::id_t id, domain::timestamp at) override { due_[id] = at; }
  void cancel(domain::id_t id) override { due_.erase(id); }
  /// Removes and returns (by id) the orders whose deadline is at or before `now`.
  std::vector<domain::id_t> take_due(domain::timestamp now);
  void clear() { due_.clear(); }

private:
  std::map<domain::id_t, domain::timestamp> due_; // ordered: firing order is deterministic
};

class world {
public:
  world(const std::string& db_path, const sim_options& options);
  ~world();
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  sim_report run();

private:
  // --- the actor core's incarnations (world.cpp) ---
  void start_core();
  void stop_core();
  void crash(bool commit_first);

  // --- steps (world.cpp) ---
  void step();
  bool run_message();
  void commit_step();
  void advance_time();
  void release_syncs(bool all);
  void fire_expiries();
  void drain();

  // --- the client (client.cpp) ---
  void client_step();
  void create_order();
  void pay();
  void charge();
  void issue_coupon();

  // --- invariants (checks.cpp) ---
  void check_memory();
  void check_database();
  void check_quiescent();
  void check_acknowledged();
  [[noreturn]] void fail(const std::string& what);
  /// For checks inside answers (which may run in a destructor): reported by the next check.
  void violation(const std::string& what) {
    if (violation_.empty())
      violation_ = what;
  }

  // --- helpers ---
  std::uint64_t pick(std::uint64_t n) { return rng_() % n; } // [0, n)
  bool chance(int percent) { return pick(100) < static_cast<std::uint64_t>(percent); }
  void note(const std::string& what);
  std::int64_t query(const std::string& sql);

  sim_options options_;
  std::string db_path_;
  std::mt19937_64 rng_;
  std::uint64_t step_ = 0;
  sim_report report_;
  std::deque<std::string> trace_; // the last steps, printed with a failure
  std::string violation_;

  std::shared_ptr<domain::manual_clock> clock_;
  storage::connection db_;
  sim_writer writer_;
  sim_expiries expiries_;
  std::deque<std::pair<domain::timestamp, committed_batch>>
      syncing_; // answers held by a slow fsync
  bool db_changed_ = true;

  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> system_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  std::unique_ptr<actors::context> ctx_;

  // The client model: what is outstanding and what was acknowledged.
  int outstanding_ = 0;
  std::vector<domain::id_t> orders_; // every order id the client was told about or tried
  std::set<domain::id_t> acked_orders_;
  std::set<domain::id_t> acked_payments_;                                        // by order id
  std::map<domain::id_t, std::pair<std::int64_t, domain::money>> acked_charges_; // count, sum
  std::set<std::pair<domain::id_t, domain::id_t>> acked_issues_;                 // coupon, customer
};

} // namespace actorshop::sim
