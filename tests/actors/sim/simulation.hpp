// Deterministic simulation of the actor core: the coupon, stock and customer actors and the order
// saga run on CAF's test_coordinator (one thread, the simulation picks which pending message runs
// next), over the real write units on a real SQLite file, with a writer (sim_writer) and an expiry
// schedule that the simulation drives. Faults come from the seed: a unit or a COMMIT failing, a
// crash before or between commit and answer (the actors are then rebuilt from the database by the
// daemon's own recovery code), slow fsyncs (answers held while the clocks move), reordered
// deliveries, orders expiring mid-payment, concurrent pays of one order. The invariants are checked
// after every step; a seed replays exactly.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace actorshop::sim {

struct sim_options {
  std::uint64_t seed = 1;
  std::uint64_t steps = 2'000; ///< steps before the final drain
};

/// What one run did (figures for the report and for tests that a fault really happened).
struct sim_report {
  std::uint64_t steps = 0;
  std::uint64_t messages = 0; ///< actor messages run
  std::uint64_t commits = 0;
  std::uint64_t failed_commits = 0;
  std::uint64_t failed_units = 0;
  std::uint64_t slow_syncs = 0;
  std::uint64_t crashes = 0;
  std::uint64_t quiescent_checks = 0;
  std::uint64_t orders_acked = 0;
  std::uint64_t payments_acked = 0;
  std::uint64_t concurrent_pays = 0;
  std::uint64_t expired = 0; ///< orders the database shows EXPIRED at the end
  std::uint64_t charges_acked = 0;
  std::uint64_t issues_acked = 0;
};

/// An invariant broke: names the seed and the step, and the last steps taken.
class sim_failure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Runs one seed on the database file `db_path` (reset first; reuse one path per process: the
/// actors' thread-local readers keep their connection to it). Throws sim_failure.
sim_report run_simulation(const std::string& db_path, const sim_options& options);

} // namespace actorshop::sim
