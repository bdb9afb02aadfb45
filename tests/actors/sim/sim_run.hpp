// Running seeds: a database file of its own for the process, one seed with its failure printed
// (seed, step, how to replay), and the totals of many.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "simulation.hpp"

namespace actorshop::sim {

/// A temp dir holding the simulation's database, removed on destruction.
class sim_db {
public:
  sim_db();
  ~sim_db();
  sim_db(const sim_db&) = delete;
  sim_db& operator=(const sim_db&) = delete;
  std::string path() const { return (dir_ / "sim.db").string(); }

private:
  std::filesystem::path dir_;
};

/// Runs one seed; on a broken invariant prints the failure (seed, step, replay command, last
/// steps) to stderr and rethrows it.
sim_report run_seed(const std::string& db_path, const sim_options& options);

struct sim_totals {
  std::uint64_t seeds = 0;
  std::uint64_t steps = 0;
  sim_report report; ///< summed
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  void add(const sim_report& r);
  std::string summary(const std::string& name) const;
};

} // namespace actorshop::sim
