#include "sim_run.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace actorshop::sim {

sim_db::sim_db() {
  // /dev/shm when there is one: the simulation commits thousands of times a second.
  std::filesystem::path base =
      std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  std::string tmpl = (base / "actorshop-sim-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
}

sim_db::~sim_db() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

sim_report run_seed(const std::string& db_path, const sim_options& options) {
  try {
    return run_simulation(db_path, options);
  } catch (const sim_failure& e) {
    std::cerr << e.what() << std::flush;
    throw;
  }
}

void sim_totals::add(const sim_report& r) {
  ++seeds;
  steps += r.steps;
  report.steps += r.steps;
  report.messages += r.messages;
  report.commits += r.commits;
  report.failed_commits += r.failed_commits;
  report.failed_units += r.failed_units;
  report.slow_syncs += r.slow_syncs;
  report.crashes += r.crashes;
  report.quiescent_checks += r.quiescent_checks;
  report.orders_acked += r.orders_acked;
  report.payments_acked += r.payments_acked;
  report.concurrent_pays += r.concurrent_pays;
  report.expired += r.expired;
  report.charges_acked += r.charges_acked;
  report.issues_acked += r.issues_acked;
}

std::string sim_totals::summary(const std::string& name) const {
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  const auto& r = report;
  std::ostringstream out;
  out << name << ": " << seeds << " seeds, " << steps << " steps in " << secs.count() << " s ("
      << static_cast<std::uint64_t>(static_cast<double>(steps) / secs.count()) << " steps/s); "
      << r.messages << " messages, " << r.commits << " commits (" << r.failed_commits
      << " failed COMMITs, " << r.failed_units << " failed units, " << r.slow_syncs
      << " slow fsyncs), " << r.crashes << " crashes, " << r.quiescent_checks
      << " quiescent checks; acknowledged: " << r.orders_acked << " orders, " << r.payments_acked
      << " payments (" << r.concurrent_pays << " concurrent pays), " << r.charges_acked
      << " charges, " << r.issues_acked << " coupon issues; " << r.expired << " orders expired";
  return out.str();
}

} // namespace actorshop::sim
