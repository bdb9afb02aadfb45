// The k6 executors' schedules of a profile: VUs over time (ramping-vus) and iteration start
// times (ramping-arrival-rate); see profile.hpp.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bench/harness/profile.hpp"

namespace actorshop::bench {

std::int64_t planned_vus(const profile& p, seconds_d t) {
  std::int64_t from = p.start_vus;
  double start = 0;
  for (const auto& s : p.stages) {
    const double d = s.duration.count();
    const double end = start + d;
    if (t.count() < end && d > 0) {
      const std::int64_t diff = s.target - from;
      const auto steps = static_cast<std::int64_t>(
          std::floor(static_cast<double>(std::llabs(diff)) * (t.count() - start) / d + 1e-9));
      return from + (diff >= 0 ? steps : -steps);
    }
    from = s.target;
    start = end;
  }
  return from;
}

namespace {
/// Calls f(start, duration, r0, r1) for each stage until it returns true.
template <class F> void for_each_rate_stage(const profile& p, F&& f) {
  double start = 0;
  double r0 = static_cast<double>(p.start_rate);
  for (const auto& s : p.stages) {
    const double r1 = static_cast<double>(s.target);
    if (f(start, s.duration.count(), r0, r1))
      return;
    start += s.duration.count();
    r0 = r1;
  }
}
} // namespace

double planned_iterations(const profile& p, seconds_d t) {
  double total = 0;
  for_each_rate_stage(p, [&](double start, double d, double r0, double r1) {
    const double tau = std::min(std::max(t.count() - start, 0.0), d);
    if (d > 0)
      total += r0 * tau + (r1 - r0) * tau * tau / (2 * d);
    return t.count() <= start + d;
  });
  return total;
}

double iteration_due(const profile& p, double n) {
  double cum = 0;
  double due = -1;
  for_each_rate_stage(p, [&](double start, double d, double r0, double r1) {
    const double in_stage = d > 0 ? (r0 + r1) * d / 2 : 0;
    if (n < cum + in_stage) {
      const double rem = n - cum;
      const double a = (r1 - r0) / (2 * d);
      const double disc = std::max(r0 * r0 + 4 * a * rem, 0.0);
      const double denom = r0 + std::sqrt(disc);
      due = start + (denom > 0 ? 2 * rem / denom : 0);
      return true;
    }
    cum += in_stage;
    return false;
  });
  return due;
}

} // namespace actorshop::bench
