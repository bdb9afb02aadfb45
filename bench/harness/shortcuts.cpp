// k6's execution shortcuts (vus, duration, iterations, stages): how layers merge and which
// executor they make (see profile.hpp). Mirrors k6's documented behaviour, no k6 code.
#include <algorithm>
#include <stdexcept>

#include "bench/harness/profile.hpp"

namespace actorshop::bench {

namespace {

[[noreturn]] void conflict(const std::string& why) {
  throw std::invalid_argument("invalid execution options: " + why);
}

/// One flat stage of `vus` VUs for `d`: the shape the VU controller runs the shortcuts with.
void flat(profile& p, std::int64_t vus, seconds_d d) {
  p.start_vus = vus;
  p.stages = {{d, vus}};
}

} // namespace

shortcuts merge(const shortcuts& lower, const shortcuts& upper) {
  shortcuts out = upper.sets_execution() ? shortcuts{} : lower;
  if (upper.sets_execution()) {
    out.duration = upper.duration;
    out.iterations = upper.iterations;
    out.stages = upper.stages;
  }
  out.vus = upper.vus ? upper.vus : lower.vus;
  return out;
}

void derive_execution(profile& p) {
  const shortcuts& k = p.k6;
  const std::int64_t vus = k.vus.value_or(1);
  if (k.vus && *k.vus < 1)
    conflict("vus must be at least 1");
  if (k.vus && *k.vus > max_vus_or_rate)
    conflict("vus must be at most " + std::to_string(max_vus_or_rate));
  if (k.stages && (k.duration || k.iterations))
    conflict("stages cannot be combined with duration or iterations (k6 allows one shortcut)");
  if (k.iterations) {
    if (*k.iterations < vus)
      conflict("the number of iterations (" + std::to_string(*k.iterations) +
               ") can't be less than the number of VUs (" + std::to_string(vus) + ")");
    p.executor = executor_kind::shared_iterations;
    p.shared_iterations = *k.iterations;
    flat(p, vus, k.duration.value_or(seconds_d{600})); // k6's default maxDuration: 10m
  } else if (k.duration) {
    if (k.duration->count() <= 0)
      conflict("duration must be positive");
    p.executor = executor_kind::constant_vus;
    flat(p, vus, *k.duration);
  } else if (k.stages) {
    p.executor = executor_kind::ramping_vus;
    p.stages = *k.stages;
    p.start_vus = vus;
  } else if (k.vus) {
    // vus alone: the profile's stages start from it, or (no stages) one iteration per VU.
    p.start_vus = vus;
    if (p.stages.empty()) {
      p.executor = executor_kind::per_vu_iterations;
      p.iterations_per_vu = 1;
      flat(p, vus, seconds_d{600});
    }
  }
}

std::int64_t profile::planned_vus_max() const {
  if (executor == executor_kind::ramping_arrival_rate)
    return std::max(pre_allocated_vus, max_vus);
  return max_target();
}

} // namespace actorshop::bench
