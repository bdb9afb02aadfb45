// libFuzzer target for actorshop-bench's profile files (-c / --profile-file): the JSON text goes
// through parse_profile_json, then what build_profile and the runner do with an accepted profile:
// derive the executor, parse its thresholds, scale it and plan its schedule. A refusal must be a
// std::invalid_argument (the CLI prints it and exits); anything else is a crash.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "bench/harness/profile.hpp"
#include "bench/harness/threshold.hpp"

namespace {

using namespace actorshop::bench;

void require(bool ok) {
  if (!ok)
    std::abort();
}

/// What the runner asks of a profile: its VUs or iterations at times through the run.
void plan(const profile& p) {
  const double total = p.total_duration().count();
  require(std::isfinite(total) && total >= 0);
  (void)format_duration(p.total_duration());
  (void)p.planned_vus_max();
  for (int i = 0; i <= 16; ++i) {
    const seconds_d t{total * i / 16};
    (void)p.stage_at(t);
    if (p.vu_based()) {
      require(planned_vus(p, t) >= 0);
    } else {
      const double n = planned_iterations(p, t);
      require(std::isfinite(n) && n >= 0);
      (void)iteration_due(p, n);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  profile p;
  try {
    p = parse_profile_json(json, "fuzz");
    derive_execution(p);
    for (const auto& [metric, exprs] : p.thresholds)
      for (const auto& e : exprs)
        (void)parse_threshold(metric, e);
  } catch (const std::invalid_argument&) {
    return 0; // refused with a reason: what a bad file should get
  }
  plan(p);
  p.scale_time(0.5); // --time-scale
  plan(p);
  return 0;
}
