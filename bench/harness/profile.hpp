// Load profiles shaped like k6 `options`: stages, thresholds and the executor settings, the two
// seed profiles built in, JSON profile files, and the k6 schedules (VUs or arrival rate over time).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace actorshop::bench {

using seconds_d = std::chrono::duration<double>;

struct stage {
  seconds_d duration{0};
  std::int64_t target = 0;
};

enum class executor_kind { ramping_vus, ramping_arrival_rate };

struct profile {
  std::string name;     ///< "coupon-peak", "order-payment" or a file's "name"
  std::string scenario; ///< "coupon-peak" or "order-payment": what one iteration does
  executor_kind executor = executor_kind::ramping_vus;
  std::vector<stage> stages;
  std::map<std::string, std::vector<std::string>> thresholds; ///< metric -> expressions
  std::int64_t start_vus = 1;                                 ///< k6 default for ramping-vus
  std::int64_t start_rate = 0; ///< iterations/s at t=0 for ramping-arrival-rate
  std::int64_t pre_allocated_vus = 100;
  std::int64_t max_vus = 1000;
  seconds_d graceful_ramp_down{30};
  seconds_d graceful_stop{30};

  seconds_d total_duration() const;
  /// Returns the stage index that holds elapsed time `t` (the last stage after the end).
  std::size_t stage_at(seconds_d t) const;
  /// Multiplies every stage duration by `factor` (graceful periods stay as they are).
  void scale_time(double factor);
  std::int64_t max_target() const;
};

/// Parses a k6 duration: "30s", "1m", "1m30s", "500ms", "2h", "1.5s"; throws on junk.
seconds_d parse_duration(const std::string& text);
/// Parses a CLI stage "30s:100" (duration:target); throws std::invalid_argument on junk.
stage parse_stage(const std::string& text);
/// Formats a duration the way k6 prints it ("1m30s", "2.5s").
std::string format_duration(seconds_d d);

/// Returns the built-in seed profile `name`; throws std::invalid_argument for an unknown name.
profile builtin_profile(const std::string& name);
/// Reads a profile from k6-options-shaped JSON text (stages, thresholds, scenario, executor...).
profile parse_profile_json(const std::string& json, const std::string& fallback_name);
profile load_profile_file(const std::string& path);

/// k6 ramping-vus: the number of VUs planned at elapsed `t` (one VU at a time, linear between
/// stage targets, starting from `start_vus`); 0 after the last stage if its target is 0.
std::int64_t planned_vus(const profile& p, seconds_d t);
/// k6 ramping-arrival-rate: iterations that should have started by `t` (integral of the rate).
double planned_iterations(const profile& p, seconds_d t);
/// Returns the time at which iteration number `n` (0-based) is due, or a negative value when
/// it falls after the end of the last stage.
double iteration_due(const profile& p, double n);

executor_kind parse_executor(const std::string& text);
std::string to_string(executor_kind e);

} // namespace actorshop::bench
