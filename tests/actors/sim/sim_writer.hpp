// sim_writer: the simulation's storage writer. It runs the real write units on a real SQLite
// connection with the real batch_context, batching and SAVEPOINT re-run exactly as
// storage::writer does, but nothing happens until the simulation says so: which queued units form
// the next batch, whether a unit or the COMMIT fails, and when (or whether) the producers are
// answered. Single-threaded: everything runs on the simulation's thread.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "storage/batch_context.hpp"
#include "storage/sqlite.hpp"
#include "storage/writer.hpp"

namespace actorshop::sim {

/// What goes wrong with one batch.
enum class commit_fault { none, unit_fails, commit_fails };

/// A committed (or failed) batch whose producers have not been answered yet.
struct committed_batch {
  std::vector<storage::done_fn> dones;
  std::vector<domain::status> results;
};

class sim_writer final : public storage::write_queue {
public:
  explicit sim_writer(storage::connection& db);

  /// Queues the unit; while the writer is down (a crash), drops it unanswered.
  void submit(std::string_view label, storage::unit_fn unit, storage::done_fn done) override;

  std::size_t pending() const { return queue_.size(); }

  /// Runs the first `count` queued units as one transaction, as storage::writer does (fast path,
  /// then a SAVEPOINT per unit if one failed). `fault` makes unit `failing` fail (unit_fails) or
  /// the COMMIT fail (commit_fails: the transaction is rolled back, every unit fails).
  committed_batch commit(std::size_t count, commit_fault fault, std::size_t failing = 0);

  /// Answers every producer of `batch`.
  static void answer(committed_batch& batch);

  /// A crash: the queued units are dropped unanswered and later submissions too, until up().
  void down();
  void up() { down_ = false; }

private:
  struct item {
    std::string label;
    storage::unit_fn unit;
    storage::done_fn done;
  };
  domain::status call_unit(item& unit);
  domain::status apply_later();
  bool run_fast(std::size_t count);
  void run_isolated(std::size_t count, commit_fault fault, std::size_t failing,
                    std::vector<domain::status>& results);

  storage::connection& db_;
  storage::batch_context ctx_;
  std::deque<item> queue_;
  bool down_ = false;
};

} // namespace actorshop::sim
