// Load profiles shaped like k6 `options`: stages, thresholds and the executor settings, the two
// seed profiles built in, JSON profile files, and the k6 schedules (VUs or arrival rate over time).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace actorshop::bench {

using seconds_d = std::chrono::duration<double>;

struct stage {
  seconds_d duration{0};
  std::int64_t target = 0;
};

/// k6's executors. constant-vus, shared-iterations and per-vu-iterations come from the
/// shortcuts (-u/-d/-i) and run as one flat stage of `vus` VUs with an iteration budget.
enum class executor_kind {
  ramping_vus,
  ramping_arrival_rate,
  constant_vus,
  shared_iterations,
  per_vu_iterations
};

/// k6's execution shortcuts as one options layer (profile, -c file, flags) sets them.
struct shortcuts {
  std::optional<std::int64_t> vus;        ///< startVUs of stages, or the VUs of -d / -i
  std::optional<seconds_d> duration;      ///< constant-vus, or -i's maxDuration
  std::optional<std::int64_t> iterations; ///< shared-iterations
  std::optional<std::vector<stage>> stages;
  /// Returns true when the layer sets duration, iterations or stages: k6 then drops the
  /// execution settings of every lower layer (vus alone merges like any other option).
  bool sets_execution() const { return duration || iterations || stages; }
};

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
  std::int64_t shared_iterations = 0; ///< shared-iterations: the run's budget (0: none)
  std::int64_t iterations_per_vu = 0; ///< per-vu-iterations: each VU's budget (0: none)
  shortcuts k6;                       ///< what the layers set, before derive_execution
  // k6 options that shape the summary and the samples (-c files may set them).
  std::vector<std::string> summary_trend_stats;        ///< summaryTrendStats (empty: k6's default)
  std::string summary_time_unit;                       ///< summaryTimeUnit
  bool no_color = false;                               ///< noColor
  std::map<std::string, std::string> tags;             ///< tags: added to every sample
  std::optional<std::vector<std::string>> system_tags; ///< systemTags (none: k6's default)

  seconds_d total_duration() const;
  /// Returns the stage index that holds elapsed time `t` (the last stage after the end).
  std::size_t stage_at(seconds_d t) const;
  /// Multiplies every stage duration by `factor` (graceful periods stay as they are).
  void scale_time(double factor);
  std::int64_t max_target() const;
  /// Returns true for the executors whose VUs loop (all but ramping-arrival-rate).
  bool vu_based() const { return executor != executor_kind::ramping_arrival_rate; }
  /// Returns vus_max as k6 plans it: the most VUs the plan asks for, or arrival-rate's maxVUs.
  std::int64_t planned_vus_max() const;
};

/// Lays `upper` over `lower` as k6 merges options layers (see shortcuts::sets_execution).
shortcuts merge(const shortcuts& lower, const shortcuts& upper);
/// Turns the merged shortcuts of `p.k6` into its executor and stages, as k6 does; without any
/// the profile keeps its own. Throws std::invalid_argument for k6's conflicting combinations
/// (stages with duration or iterations, fewer iterations than VUs, no positive duration).
void derive_execution(profile& p);

/// The longest duration a profile may give (a stage, a shortcut, a graceful period): a year.
/// Above it the runner's clock arithmetic would overflow long before such a run could end.
inline constexpr double max_duration_s = 365.0 * 24 * 3600;
/// The most VUs, or iterations per second, a profile may ask for (a stage target, startVUs,
/// startRate, preAllocatedVUs, maxVUs, vus): far above what one load generator runs, and low
/// enough that the schedule's arithmetic cannot overflow.
inline constexpr std::int64_t max_vus_or_rate = 10'000'000;

/// Parses a k6 duration: "30s", "1m", "1m30s", "500ms", "2h", "1.5s"; throws on junk, on a
/// negative, NaN or infinite amount, and above max_duration_s.
seconds_d parse_duration(const std::string& text);
/// Returns `seconds` as a duration if it is finite and in [0, max_duration_s]; throws
/// std::invalid_argument naming `what` otherwise.
seconds_d checked_duration(double seconds, const std::string& what);
/// Parses a CLI stage "30s:100" (duration:target); throws std::invalid_argument on junk.
stage parse_stage(const std::string& text);
/// Parses k6's -s list "10s:100,20s:0" (one or more DURATION:TARGET, comma-separated).
std::vector<stage> parse_stages(const std::string& list);
/// Formats a duration the way k6 prints it ("1m30s", "2.5s").
std::string format_duration(seconds_d d);

/// Returns the built-in seed profile `name`; throws std::invalid_argument for an unknown name.
profile builtin_profile(const std::string& name);
/// Reads a profile from k6-options-shaped JSON text (stages, thresholds, scenario, executor,
/// vus, duration, iterations, summaryTrendStats, summaryTimeUnit, noColor, tags...).
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
