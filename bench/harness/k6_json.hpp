// The one number rule of the harness's JSON (summary export, JSON lines) and InfluxDB values,
// on top of nlohmann::json. ordered_json keeps k6's key order (k6 tooling diffs exports).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace actorshop::bench {

using json = nlohmann::ordered_json;

/// Returns `v` as k6 writes it: a whole number without a fraction (simdjson and k6 tooling read
/// counts as integers), anything else rounded to 10 significant digits; non-finite becomes 0.
inline json k6_number(double v) {
  if (!std::isfinite(v))
    return 0;
  if (v == std::trunc(v) && std::fabs(v) < 9e15)
    return static_cast<std::int64_t>(v);
  // Rounding through text keeps the old exports' digits: nlohmann then prints the shortest
  // form that reads back to the rounded double, which is those same digits.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return std::strtod(buf, nullptr);
}

/// Returns `j` as compact text; invalid UTF-8 in a name becomes U+FFFD instead of throwing.
inline std::string dump(const json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace actorshop::bench
