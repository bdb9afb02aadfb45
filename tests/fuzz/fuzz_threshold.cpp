// libFuzzer target for k6 threshold expressions (profile "thresholds" and --threshold
// METRIC:EXPRESSION): parse_threshold_flag, then evaluation against a few observed values. A
// refusal must be a std::invalid_argument; an accepted threshold must be one the summary can
// evaluate (a finite value, a percentile in 0..1).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

#include "bench/harness/threshold.hpp"

namespace {

using namespace actorshop::bench;

void require(bool ok) {
  if (!ok)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string flag(reinterpret_cast<const char*>(data), size);
  threshold t;
  try {
    t = parse_threshold_flag(flag);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  require(!t.metric.empty() && std::isfinite(t.value));
  require(t.percentile >= 0 && t.percentile <= 1); // NaN fails both
  require(!to_string(t.op).empty());
  for (double v : {0.0, -1.0, t.value, std::numeric_limits<double>::infinity()})
    (void)passes(t, v);
  return 0;
}
