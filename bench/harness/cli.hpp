// actorshop-bench's command line: k6's flags (-u -d -i -s -o -c -e --tag --no-thresholds ...)
// plus actorshop's own (--profile, --target, --time-scale ...), and how they build the profile
// and the summary options with k6's precedence: flags over the -c file over the profile.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/profile.hpp"
#include "bench/harness/summary.hpp"
#include "bench/harness/system_tags.hpp"

namespace actorshop::bench {

struct app_config {
  std::string profile_name = "coupon-peak";
  std::string target = "http://127.0.0.1:8080";
  std::vector<std::string> stages, thresholds, outs, tags, env;
  std::string profile_file, config_file, executor, summary_export, summary_json, report, db;
  std::string duration, trend_stats, time_unit;
  std::optional<std::string> system_tags; ///< --system-tags as given (none: not given)
  std::string auth_secret_file; ///< a daemon in auth.mode = "token": mint the VUs' tokens with it
  std::int64_t vus = -1, iterations = -1; ///< -1: not given
  double time_scale = 1.0;
  std::uint64_t seed = 0;
  bool quiet = false, out_samples = false, out_aggregate = false, no_audit = false,
       no_thresholds = false, no_color = false;
  int io_threads = 1, actor_threads = 2, server_pid = 0;
  std::int64_t stock = 0;   // --target actors: at least this many units per stock row (0: seed's)
  std::int64_t balance = 0; // --target actors: at least this much per customer (0: seed's)
  std::int64_t pre_allocated_vus = -1, max_vus = -1;
};

/// Parses the command line into `c` (CLI11, kept to this file: its header is the costliest to
/// compile). Returns the exit code when the command line ends the process (--help: 0; an invalid
/// command line: k6's InvalidConfig), or nothing when the run goes on.
std::optional<int> parse_command_line(int argc, char** argv, app_config& c);
/// Returns the run's profile: the built-in or --profile-file one, the -c file laid over it, then
/// the flags; throws std::invalid_argument for an invalid configuration (k6's exit 104).
profile build_profile(const app_config& c);
/// Returns the summary options: flags over the -c file over the profile.
summary_options build_summary_options(const app_config& c, const profile& p);
/// Returns the system tags: --system-tags over the -c file's systemTags over k6's default;
/// unknown names are ignored (as k6 does) with a warning on stderr.
system_tag_set build_system_tags(const app_config& c, const profile& p);
/// Parses "K=V" flags (--tag, -e) into a map; throws std::invalid_argument without '='.
std::map<std::string, std::string> parse_pairs(const std::vector<std::string>& pairs,
                                               const char* flag);

} // namespace actorshop::bench
